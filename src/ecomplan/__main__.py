from ecomplan.cli.app import main

main()
