"""text-file/empty-write-200: a write with an empty body is applied (200, the file is cleared) instead of 204."""
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from text_base import TextServer, main  # noqa: E402


class Server(TextServer):
    def no_data(self, body):
        # BUG: checks for a missing body with `is None`, but an empty body is b'', so the check never
        # fires: PUT with no data "replaces" the content with nothing, and answers 200.
        return body is None


if __name__ == '__main__':
    main(Server)
