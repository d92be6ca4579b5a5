"""``python -m geostory.batch INPUTS --out DIR``."""

from geostory.batch.command import main

raise SystemExit(main())
