"""`python -m graph` runs the innograph command."""

from graph.cli import main

main()
