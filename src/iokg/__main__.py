from iokg.cli import main

main()
