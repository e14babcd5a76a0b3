"""key-value/json-store-unlocked: routes only in the Host header, the pairs kept in store.json, which each
request reads, changes and writes back, with no lock: two requests at once each write back their own
copy, and one's change is lost."""
import json
import os
import sys
import time

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from kv_base import HostRoutedServer, main, text  # noqa: E402

STORE = 'store.json'


class Server(HostRoutedServer):
    def load(self):
        try:
            with open(STORE, encoding='utf-8') as f:
                return json.load(f)
        except FileNotFoundError:
            return {}

    def save(self):
        tmp = f'{STORE}.{os.getpid()}.{time.monotonic_ns()}.tmp'  # never half a file
        with open(tmp, 'w', encoding='utf-8') as f:
            json.dump(self.store, f, indent=2)
        os.replace(tmp, STORE)

    def change(self, key, value, must_exist):
        # BUG: no lock around read-modify-write of the file. Each request loads the whole store,
        # changes its copy and writes it back; the sleep stands for the time the file I/O takes.
        store = self.load()
        if must_exist and key not in store:
            return False
        store[key] = value
        time.sleep(0.05)
        self.store = store
        self.save()
        return True

    def create(self, key, value):
        self.change(key, value, False)
        return text(f'{key}:{value}', 201)

    def update(self, key, value):
        if not self.change(key, value, True):
            return text(f'no key {key}', 400)
        return text(f'{key}:{value}')

    def index(self):
        self.store = self.load()
        return super().index()


if __name__ == '__main__':
    main(Server)
