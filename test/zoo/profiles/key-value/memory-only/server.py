"""key-value/memory-only: routes only in the Host header, the pairs kept in a dict and never written to
store.txt, so a restart loses every one of them."""
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from kv_base import HostRoutedServer, main  # noqa: E402


class Server(HostRoutedServer):
    def save(self):
        # BUG: "the dict is the store": nothing is ever written to store.txt, so what the server
        # acknowledged is gone when it is restarted.
        pass


if __name__ == '__main__':
    main(Server)
