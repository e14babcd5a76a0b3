"""post-200: Answers a POST that creates a record with 200 instead of 201."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def do_POST(self, name, obj):
        text = self.encode_record(obj)

        def create(records):
            if name in records:
                return None
            records[name] = text
            return text

        stored = self.update_store(create)
        if stored is None:
            return 409, {}, self.error_body(f'{name} already exists')
        # BUG: 200 OK "because it worked"; a create is 201 Created.
        return 200, {'Location': '/' + name}, stored.encode('utf-8')


if __name__ == '__main__':
    main(Server)
