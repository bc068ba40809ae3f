"""``python -m regencord.cli`` runs the command line."""

from regencord.cli.app import main

main()
