"""python -m geostory"""

from geostory.cli import main

raise SystemExit(main())
