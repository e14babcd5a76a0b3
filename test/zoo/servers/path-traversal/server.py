"""path-traversal: Keeps each record in a file named after the request path, without checking the name."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import HttpError, StudentServer, main  # noqa: E402

DATA = 'records'


class Server(StudentServer):
    def parse_target(self, target):
        if not target.startswith('/'):
            raise HttpError(400, 'invalid target')
        # BUG: the name is whatever follows the first "/": "/../../x" names a file outside the folder.
        return target[1:]

    def do_POST(self, name, obj):
        status, headers, body = super().do_POST(name, obj)
        if status == 201:
            path = os.path.join(DATA, name)
            os.makedirs(os.path.dirname(path) or '.', exist_ok=True)
            with open(path, 'w') as f:
                f.write(body.decode('utf-8'))
        return status, headers, body


if __name__ == '__main__':
    os.makedirs(DATA, exist_ok=True)
    main(Server)
