"""byo-http/concurrent-pool-of-two: hands connections to a pool of two worker threads, so a third client waits while two connections stay open."""
import socket
from concurrent.futures import ThreadPoolExecutor
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from byo_base import ByoServer, main  # noqa: E402


class Server(ByoServer):
    def serve_forever(self):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(('127.0.0.1', self.port))
        listener.listen(128)
        print(f'listening on 127.0.0.1:{self.port}', flush=True)
        # BUG: "two workers are plenty": a worker serves one connection until the client closes it, so
        # with two connections open (kept alive, or idle) a third one is accepted and never answered.
        pool = ThreadPoolExecutor(max_workers=2)
        while True:
            sock, _ = listener.accept()
            pool.submit(self.handle_connection, sock)


if __name__ == '__main__':
    main(Server)
