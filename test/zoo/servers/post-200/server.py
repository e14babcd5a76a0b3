"""post-200: Answers a POST that creates a record with 200 instead of 201."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '_lib'))
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
