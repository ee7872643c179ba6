"""``python -m data.demo``."""
from data.demo.cli import main

raise SystemExit(main())
