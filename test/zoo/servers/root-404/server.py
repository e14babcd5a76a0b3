"""root-404: A correct server whose `/` is not a resource (404 Not Found); it serves /hello.

Its matrix row runs under `any` (the known path `/`), where "served" means "answered as the known path
was": every request for `/` is answered 404, as `GET /` was, and no check may blame it for that.
"""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main, origin_form  # noqa: E402


class Server(StudentServer):
    def handle(self, method, target, headers, body):
        path = origin_form(target).split('?', 1)[0]
        if path == '/' and method in ('GET', 'HEAD'):
            return 404, {}, self.error_body('nothing here: try /hello')
        if path == '/hello' and method in ('GET', 'HEAD'):
            return 200, {'Content-Type': 'text/plain'}, b'hello\n'
        return super().handle(method, target, headers, body)


if __name__ == '__main__':
    main(Server)
