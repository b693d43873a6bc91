import sys

from presigned_upload.cli import main

sys.exit(main())
