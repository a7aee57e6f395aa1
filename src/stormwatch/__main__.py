from stormwatch.cli import main

main(prog_name="stormwatch")
