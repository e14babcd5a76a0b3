"""one-client-exits: Has no loop around accept(): it serves one connection, then the program ends."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def serve_forever(self):
        listener = self.make_listener()
        print(f'listening on {self.host}:{self.port}', flush=True)
        # BUG: no `while True` around accept(): one client, then the program ends.
        sock, addr = listener.accept()
        self.handle_connection(sock, addr)


if __name__ == '__main__':
    main(Server)
