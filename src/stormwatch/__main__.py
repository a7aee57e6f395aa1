from stormwatch.cli.main import main

main(prog_name="stormwatch")
