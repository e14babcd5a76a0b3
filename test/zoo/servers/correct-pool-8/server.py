"""correct-pool-8: The correct server, with a fixed pool of 8 worker threads: a ninth client waits in the
queue until a worker is free (a design many servers have, not a bug)."""
import os
import sys
from concurrent.futures import ThreadPoolExecutor

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402

WORKERS = 8


class Server(StudentServer):
    pool = ThreadPoolExecutor(max_workers=WORKERS)

    def start_connection(self, sock, addr):
        self.pool.submit(self.handle_connection, sock, addr)


if __name__ == '__main__':
    main(Server)
