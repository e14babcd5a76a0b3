"""recv-8-until-short: Reads a request in 8-byte pieces until a read comes back short, taking that as the end."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def read_request(self, c):
        # BUG: "a short read means the client is done", with a tiny buffer: a request whose length is a
        # multiple of 8 never gets its short read, and the server waits for more until the client leaves.
        data = b''
        while True:
            chunk = c.sock.recv(8)
            data += chunk
            if len(chunk) < 8:
                break
        if not data:
            return None
        return self.request_from_bytes(c, data)


if __name__ == '__main__':
    main(Server)
