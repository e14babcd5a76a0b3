"""key-value/no-colon-crash: splits the body on ":" without a check, so a body without a colon kills the process."""
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from kv_base import KeyValueServer, crash, main  # noqa: E402


class Server(KeyValueServer):
    def parse_pair(self, body):
        try:
            key, value = body.decode('utf-8', 'replace').strip().split(':', 1)
        except ValueError:
            # BUG: "every body has a colon" -- this one did not, and the ValueError kills the server.
            crash()
        return super().parse_pair(body)


if __name__ == '__main__':
    main(Server)
