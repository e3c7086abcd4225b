from dltutor.tutor.cli import main

raise SystemExit(main())
