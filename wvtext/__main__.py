from wvtext.cli import main

main()
