"""key-value/host-routed-crash: routes only in the Host header, and a Host without a route kills the process."""
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from kv_base import HostRoutedServer, crash, main  # noqa: E402


class Server(HostRoutedServer):
    def route_of(self, req):
        try:
            # BUG: "every client sends Host: 127.0.0.1/<route>" -- `Host: localhost` has no "/", the
            # IndexError is not caught, and the server dies.
            return '/' + req.header('host', '').split('/', 1)[1]
        except IndexError:
            crash()


if __name__ == '__main__':
    main(Server)
