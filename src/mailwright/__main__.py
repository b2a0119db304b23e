"""``python -m mailwright`` runs the CLI."""

from mailwright.cli.main import main

main()
