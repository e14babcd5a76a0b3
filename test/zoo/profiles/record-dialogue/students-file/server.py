"""record-dialogue/students-file: the course's variant, done right: the store is students.json and every
request names that file in its target, as the course's client sends it, without the leading slash
(`GET students.json HTTP/1.1`, `POST students.json HTTP/1.1`; `/students.json` works too). GET of the
file answers the whole store; there is no GET of one record. Any other target: 404."""
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from record_base import RecordServer, main, text  # noqa: E402

FILE_NAME = 'students.json'


class Server(RecordServer):
    def __init__(self, port):
        super().__init__(port)
        self.data_file = os.path.abspath(FILE_NAME)
        self.records = self.load()

    def route(self, conn, req):
        if req.method in ('GET', 'HEAD', 'POST', 'PUT', 'DELETE') and req.path.lstrip('/') != FILE_NAME:
            return text(f'no file {req.path}', 404)
        return super().route(conn, req)

    def do_GET(self, req):
        with self.lock:
            if self.records is None:
                return text(f'no {FILE_NAME}', 404)
        # The whole store: the base answers it for an empty name.
        req.path = '/'
        return super().do_GET(req)


if __name__ == '__main__':
    main(Server)
