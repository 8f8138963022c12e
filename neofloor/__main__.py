from neofloor.cli import main

raise SystemExit(main())
