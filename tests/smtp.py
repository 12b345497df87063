"""A small SMTP server on loopback for the worker tests: it records every message it accepts,
and can hold new connections before its greeting, as a stuck or slow mail server would."""

import email
import email.policy
import socketserver
import threading
from email.message import EmailMessage

from tests.servers import free_port


class _Handler(socketserver.StreamRequestHandler):
    server: "_Server"

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())
        self.wfile.flush()

    def handle(self) -> None:
        smtp = self.server.smtp
        smtp.connected.set()
        smtp.released.wait()
        try:
            self.reply("220 localhost test SMTP")
            while True:
                line = self.rfile.readline()
                if not line:
                    return
                command = line[:4].decode(errors="replace").upper()
                if command == "EHLO":
                    self.reply("250-localhost")
                    self.reply("250 8BITMIME")
                elif command == "DATA":
                    self.reply("354 end with <CRLF>.<CRLF>")
                    smtp.record(self._message())
                    self.reply("250 accepted")
                elif command == "QUIT":
                    self.reply("221 bye")
                    return
                else:  # HELO, MAIL, RCPT, RSET, NOOP
                    self.reply("250 OK")
        except OSError:
            pass  # the client went away (a killed worker)

    def _message(self) -> EmailMessage:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return email.message_from_bytes(b"".join(lines), policy=email.policy.default)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpServer:
    """``start()`` listens on ``port`` (one of TEST_PORTS unless given); ``hold()`` makes new
    connections wait before the greeting until ``release()``."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages: list[EmailMessage] = []
        self.connected = threading.Event()
        self.released = threading.Event()
        self.released.set()
        self._lock = threading.Lock()
        self._server: _Server | None = None

    def record(self, message: EmailMessage) -> None:
        with self._lock:
            self.messages.append(message)

    def hold(self) -> None:
        self.released.clear()

    def release(self) -> None:
        self.released.set()

    def start(self) -> "SmtpServer":
        self._server = _Server(("127.0.0.1", self.port), _Handler)
        self._server.smtp = self
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def recipients(self) -> list[str]:
        with self._lock:
            return [message["To"] for message in self.messages]
