from zonedata.cli import main

main()
