"""text-file/http10-accepted: serves HTTP/1.0 requests instead of answering 505."""
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from text_base import HttpError, TextServer, main  # noqa: E402


class Server(TextServer):
    def check_version(self, version):
        # BUG: "HTTP/1.0 is close enough": only HTTP/1.1 is allowed by the assignment.
        if version not in ('HTTP/1.1', 'HTTP/1.0'):
            raise HttpError(505, 'only HTTP/1.1 is supported')


if __name__ == '__main__':
    main(Server)
