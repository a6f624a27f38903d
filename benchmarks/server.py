"""nginx (Debian's package) serving a site on 127.0.0.1, in the foreground.

The generated site is UTF-8 and says so in its headers; the real-pages site is served with
no charset (each page declares its own, as ``scrapy article PAGE`` reads it) and with
extra ``location`` blocks for its URL aliases.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

CONFIG = """\
daemon off;
master_process on;
worker_processes 1;
{user}
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    types {{ text/html html; text/plain txt; }}
    default_type application/octet-stream;
{charset}    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {work}/tmp/body;
    proxy_temp_path {work}/tmp/proxy;
    fastcgi_temp_path {work}/tmp/fastcgi;
    uwsgi_temp_path {work}/tmp/uwsgi;
    scgi_temp_path {work}/tmp/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html;
        error_page 404 /404.html;
{locations}    }}
}}
"""


def nginx_binary() -> str:
    """The nginx binary, installed from Debian's packages when missing."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=False, env=env)
    for package in ("nginx-light", "nginx"):
        done = subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", package], env=env)
        if done.returncode == 0:
            break
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(found).exists():
        raise RuntimeError("nginx is not installed and could not be installed with apt-get")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Nginx:
    def __init__(
        self,
        root: Path,
        work: Path,
        port: int | None = None,
        charset: str | None = "utf-8",
        locations: str = "",
    ) -> None:
        self.root = root.resolve()
        self.charset = charset
        self.locations = locations
        self.work = work.resolve()
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> Nginx:
        binary = nginx_binary()
        (self.work / "tmp").mkdir(parents=True, exist_ok=True)
        conf = self.work / "nginx.conf"
        user = "user root;" if os.geteuid() == 0 else ""
        conf.write_text(
            CONFIG.format(
                user=user,
                work=self.work,
                port=self.port,
                root=self.root,
                charset=f"    charset {self.charset};\n" if self.charset else "",
                locations=self.locations,
            )
        )
        self.proc = subprocess.Popen(
            [binary, "-c", str(conf), "-p", str(self.work), "-e", str(self.work / "error.log")],
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited at start; see {self.work / 'error.log'}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("nginx did not start listening within 10 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def __enter__(self) -> Nginx:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
