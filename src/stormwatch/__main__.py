from stormwatch.cli.app import main

main(prog_name="stormwatch")
