"""unknown-method-400: Answers unknown methods with 400 instead of 405 (and no Allow header)."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def unknown_method(self, method, target):
        # BUG: "a method I don't know is a bad request" -- it is 405 Method Not Allowed, with Allow.
        return 400, {}, self.error_body(f'bad method {method}')


if __name__ == '__main__':
    main(Server)
