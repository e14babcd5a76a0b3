"""key-value/host-routed: the routes only in the Host header (`Host: 127.0.0.1/create`, path `/`), done right."""
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from kv_base import HostRoutedServer, main  # noqa: E402

if __name__ == '__main__':
    main(HostRoutedServer)
