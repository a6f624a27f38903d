"""Render the 12 corpus posts with Debian's WordPress and its bundled themes.

    python scripts/themes/build_wordpress.py                       # the three sites
    python scripts/themes/build_wordpress.py --sites wordpress-twentytwentytwo
    python scripts/themes/build_wordpress.py --work /tmp/themes-build/wordpress --keep

Everything comes from Debian (installed with apt-get when missing; needs root): WordPress,
its translations, the Twenty Twenty-One/-Two/-Three themes, MariaDB and PHP. The build runs
its own MariaDB server in a throw-away data dir under --work (socket only, no networking),
installs WordPress into a fresh database per site with a PHP script (wp_install, users,
categories, tags, posts), serves /usr/share/wordpress with `php -S` on 127.0.0.1 and a
router for pretty permalinks, and saves a bounded crawl of that server (HTML pages, feeds
and sitemaps, every absolute link moved to http://corpus.invalid) into site.tar.gz, next to
truth.json. Both servers are stopped whatever happens.
"""

from __future__ import annotations

import argparse
import gettext
import html
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import deque
from datetime import UTC
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from lxml import html as lxml_html

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_hexo import MAX_TAR, strip_inline
from build_python import (
    OUT,
    PER_PAGE,
    SITE_AUTHOR,  # the admin here: never a post's author
    SITE_TITLE,
    TZ,
    Site,
    debian_versions,
    record_site,
    require_sane,
    url_file,
)
from posts import MORE, POSTS, Code, Display, Para, Post

WP_ROOT = Path("/usr/share/wordpress")
WP_THEMES = WP_ROOT / "wp-content" / "themes"
WP_LANGUAGES = WP_ROOT / "wp-content" / "languages"
# Debian's wp-config.php reads /etc/wordpress/config-<host>.php for the request's host.
HOST = "127.0.0.1"
WP_CONFIG = Path(f"/etc/wordpress/config-{HOST}.php")
PERMALINKS = "/%year%/%monthnum%/%day%/%postname%/"
MAX_PAGES = 600

# Debian bookworm; the first version that apt offers is used if a pin has been superseded,
# and the installed versions are what truth.json records.
DEBIAN: dict[str, str] = {
    "wordpress": "6.1.9+dfsg1-0+deb12u1",
    "wordpress-l10n": "6.1.9+dfsg1-0+deb12u1",
    "wordpress-theme-twentytwentyone": "6.1.9+dfsg1-0+deb12u1",
    "wordpress-theme-twentytwentytwo": "6.1.9+dfsg1-0+deb12u1",
    "wordpress-theme-twentytwentythree": "6.1.9+dfsg1-0+deb12u1",
    "mariadb-server": "1:10.11.19-0+deb12u1",
    "php-cli": "2:8.2+93",
    "php-mysql": "2:8.2+93",
    "php-xml": "2:8.2+93",  # SimpleXML: core's wp-sitemap.xml answers 501 without it
}
DEBIAN_RECORDED = [*DEBIAN, "mariadb-server-core", "php8.2-cli", "php8.2-mysql", "php8.2-xml"]

# site theme -> WordPress locale; one site speaks Chinese through wordpress-l10n.
THEMES: dict[str, str] = {
    "twentytwentyone": "en_US",
    "twentytwentytwo": "en_US",
    "twentytwentythree": "zh_CN",
}


def wp_path(post: Post) -> str:
    return f"/{post.published[:10].replace('-', '/')}/{post.slug}/"


def wp_site(theme: str) -> Site:
    locale = THEMES[theme]
    return Site(
        generator="wordpress",
        theme=theme,
        env="debian",
        render=lambda *_: Path(),  # unused: WordPress renders on request, see build()
        start_path="/",
        listings=["/", "/page/2/", "/page/3/"],
        path_of=wp_path,
        generator_package="wordpress",
        theme_package=f"wordpress-theme-{theme}",
        options={"locale": locale},
        notes=[
            "WordPress, its themes, MariaDB and PHP are Debian packages (versions are Debian's)",
            f"site locale {locale}"
            + (" (core strings and date format from wordpress-l10n)" if locale != "en_US" else ""),
            "pages saved by a crawl of `php -S` on 127.0.0.1; links moved to corpus.invalid; "
            "feeds `/x/feed/` are saved as `/x/feed.xml` and linked so",
            "posts are block markup (paragraph, more, code blocks); wptexturize is off "
            "(a must-use plugin) so quotes stay as written, as on the other sites",
            "math: WordPress core has no renderer and no math plugin is installed; formulas "
            "stay in the text as written ($...$, $$...$$), as a KaTeX/MathJax auto-render "
            "plugin would read them; `formulas` counts them as on the other sites",
            "sitemap: core wp-sitemap.xml (index) and its sub-sitemaps",
        ],
    )


SITES: dict[str, Site] = {f"wordpress-{t}": wp_site(t) for t in THEMES}


# ---------------------------------------------------------------- Debian packages


def ensure_packages() -> dict[str, str]:
    """Install the WordPress, MariaDB and PHP packages from Debian if any is missing."""
    have = debian_versions(list(DEBIAN))
    if len(have) == len(DEBIAN):
        return have
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update"], check=True, env=env, capture_output=True)
    base = ["apt-get", "install", "-y", "--no-install-recommends"]
    proc = subprocess.run(
        [*base, *(f"{n}={v}" for n, v in DEBIAN.items())], env=env, capture_output=True
    )
    if proc.returncode != 0:
        # A point release replaced a pinned version: take what the archive has now.
        subprocess.run([*base, *DEBIAN], check=True, env=env, capture_output=True)
    return debian_versions(list(DEBIAN))


# ---------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class MariaDB:
    """A MariaDB server on a unix socket in a throw-away data dir (no TCP at all)."""

    def __init__(self, work: Path) -> None:
        self.dir = work / "mariadb"
        self.socket = self.dir / "mysqld.sock"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        if self.dir.exists():
            shutil.rmtree(self.dir)
        data = self.dir / "data"
        data.mkdir(parents=True)
        subprocess.run(
            [
                "mariadb-install-db",
                "--no-defaults",
                f"--datadir={data}",
                "--user=root",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        log = (self.dir / "server.log").open("wb")
        self.proc = subprocess.Popen(
            [
                "mariadbd",
                "--no-defaults",
                f"--datadir={data}",
                f"--socket={self.socket}",
                f"--pid-file={self.dir / 'mariadbd.pid'}",
                "--skip-networking",
                "--user=root",
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_unicode_ci",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(120):
            if self.proc.poll() is not None:
                raise RuntimeError(
                    "mariadbd exited: " + (self.dir / "server.log").read_text()[-800:]
                )
            if self.socket.exists() and self.sql("SELECT 1", check=False).returncode == 0:
                return
            time.sleep(0.5)
        raise RuntimeError("mariadbd did not come up")

    def sql(self, statement: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["mariadb", "--no-defaults", f"--socket={self.socket}", "-uroot", "-e", statement],
            capture_output=True,
            text=True,
            check=check,
            timeout=60,
        )

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()  # SIGTERM is mariadbd's clean shutdown
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class PhpServer:
    """`php -S 127.0.0.1:port` over /usr/share/wordpress with a pretty-permalink router."""

    ROUTER = """<?php
// Files that exist are served as they are; every other path goes to WordPress.
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
$file = realpath(__DOCROOT__ . $path);
if ($file !== false && is_file($file) && substr($file, -4) !== '.php') {
    return false;
}
if ($file !== false && is_file($file)) {
    $script = $file;
} else {
    $script = __DOCROOT__ . '/index.php';
    $_SERVER['SCRIPT_NAME'] = '/index.php';
    $_SERVER['PHP_SELF'] = '/index.php';
}
$_SERVER['SCRIPT_FILENAME'] = $script;
chdir(dirname($script));
require $script;
"""

    def __init__(self, work: Path, port: int) -> None:
        self.work = work
        self.port = port
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        router = self.work / "router.php"
        router.write_text(self.ROUTER.replace("__DOCROOT__", repr(str(WP_ROOT))))
        log = (self.work / f"php-{self.port}.log").open("wb")
        self.proc = subprocess.Popen(
            ["php", "-S", f"{HOST}:{self.port}", "-t", str(WP_ROOT), str(router)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "TZ": TZ},
        )
        for _ in range(60):
            if self.proc.poll() is not None:
                raise RuntimeError("php -S exited")
            try:
                with socket.create_connection((HOST, self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.25)
        raise RuntimeError("php -S did not come up")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# ---------------------------------------------------------------- WordPress content

CONFIG = """<?php
/* Written by scripts/themes/build_wordpress.py for its throw-away corpus build. */
define('DB_NAME', {db!r});
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', {db_host!r});
define('DB_CHARSET', 'utf8mb4');
define('WP_CONTENT_DIR', {content!r});
define('WP_HOME', {origin!r});
define('WP_SITEURL', {origin!r});
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);  // the build talks to nothing but 127.0.0.1
define('WP_DEBUG', false);
"""

MU_PLUGIN = """<?php
/* Text stays as written: the other corpus generators have typographic quotes off too. */
add_filter('run_wptexturize', '__return_false');
"""

SETUP_PHP = r"""<?php
// Install WordPress into an empty database and add the corpus users, terms and posts.
$cfg = json_decode(file_get_contents($argv[1]), true);
$_SERVER['HTTP_HOST'] = $cfg['host'];  // picks /etc/wordpress/config-<host>.php
$_SERVER['SERVER_NAME'] = $cfg['host'];
$_SERVER['REQUEST_URI'] = '/';
define('WP_INSTALLING', true);
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/user.php';
require_once ABSPATH . 'wp-admin/includes/taxonomy.php';

$locale = $cfg['locale'] === 'en_US' ? '' : $cfg['locale'];
$res = wp_install($cfg['title'], 'editors', 'editors@corpus.invalid', true, '',
    wp_generate_password(24), $locale);
wp_set_current_user($res['user_id']);
kses_remove_filters();
update_option('date_format', $cfg['date_format']);
update_option('time_format', $cfg['time_format']);
update_option('blogdescription', $cfg['description']);
update_option('timezone_string', $cfg['timezone']);
update_option('gmt_offset', '');
update_option('posts_per_page', $cfg['per_page']);
update_option('posts_per_rss', 10);
update_option('rss_use_excerpt', 0);
update_option('blog_public', 1);
update_option('default_comment_status', 'closed');
update_option('show_on_front', 'posts');
update_option('permalink_structure', $cfg['permalinks']);
global $wp_rewrite;
$wp_rewrite->init();
$wp_rewrite->set_permalink_structure($cfg['permalinks']);
switch_theme($cfg['theme']);
flush_rewrite_rules(false);

// wp_install's sample post, page and privacy-policy draft are not part of the corpus.
foreach (get_posts(['post_type' => 'any', 'post_status' => 'any', 'numberposts' => -1])
    as $p) {
    wp_delete_post($p->ID, true);
}
wp_update_user(['ID' => $res['user_id'], 'display_name' => $cfg['site_author'],
    'nickname' => $cfg['site_author']]);

$users = [];
foreach ($cfg['users'] as $u) {
    $id = wp_insert_user([
        'user_login' => $u['login'], 'user_nicename' => $u['login'],
        'user_pass' => wp_generate_password(24), 'user_email' => $u['login'] . '@corpus.invalid',
        'display_name' => $u['name'], 'nickname' => $u['name'], 'role' => 'author',
    ]);
    if (is_wp_error($id)) { fwrite(STDERR, $id->get_error_message()); exit(1); }
    $users[$u['name']] = $id;
}
$out = [];
foreach ($cfg['posts'] as $p) {
    $term = term_exists($p['category'], 'category');
    if (!$term) { $term = wp_insert_term($p['category'], 'category'); }
    $id = wp_insert_post(wp_slash([
        'post_type' => 'post', 'post_status' => 'publish',
        'post_title' => $p['title'], 'post_name' => $p['slug'],
        'post_content' => $p['content'], 'post_author' => $users[$p['author']],
        'post_date' => $p['date'], 'post_date_gmt' => $p['date_gmt'],
        'post_category' => [(int) $term['term_id']], 'comment_status' => 'closed',
    ]), true);
    if (is_wp_error($id)) { fwrite(STDERR, $id->get_error_message()); exit(1); }
    wp_set_post_terms($id, $p['tags'], 'post_tag');
    $out[$p['slug']] = get_permalink($id);
}
echo json_encode($out);
"""


def post_content(post: Post) -> str:
    """The post as block-editor markup: paragraphs, the more block, code blocks."""

    def block(name: str, inner: str) -> str:
        return f"<!-- wp:{name} -->\n{inner}\n<!-- /wp:{name} -->"

    chunks = []
    for i, b in enumerate(post.body):
        if isinstance(b, Para):
            chunks.append(block("paragraph", f"<p>{html.escape(b.markdown, quote=False)}</p>"))
        elif isinstance(b, Code):
            code = html.escape(b.code.rstrip("\n"), quote=False)
            chunks.append(block("code", f'<pre class="wp-block-code"><code>{code}</code></pre>'))
        elif isinstance(b, Display):
            tex = html.escape(b.tex, quote=False)
            chunks.append(block("paragraph", f"<p>$${tex}$$</p>"))
        if i == 0:
            chunks.append(block("more", MORE))
    return "\n\n".join(chunks)


def translated(locale: str, message: str) -> str:
    """`message` in the core translation of `locale`, as wp_install would set it."""
    if locale == "en_US":
        return message
    with (WP_LANGUAGES / f"{locale}.mo").open("rb") as fh:
        return gettext.GNUTranslations(fh).gettext(message)


def setup_config(site: Site, port: int) -> dict[str, Any]:
    users = sorted({p.author for p in POSTS})
    logins = {"Alice Chen": "alice", "李雷": "lilei"}
    return {
        "host": HOST,
        "locale": site.options["locale"],
        "theme": site.theme,
        "title": SITE_TITLE,
        "description": "Notes on programming, mathematics and everyday life",
        "site_author": SITE_AUTHOR,
        "timezone": TZ,
        "date_format": translated(site.options["locale"], "F j, Y"),
        "time_format": translated(site.options["locale"], "g:i a"),
        "per_page": PER_PAGE,
        "permalinks": PERMALINKS,
        "users": [{"login": logins[u], "name": u} for u in users],
        "posts": [
            {
                "slug": p.slug,
                "title": p.title,
                "author": p.author,
                "category": p.category,
                "tags": list(p.tags),
                "content": post_content(p),
                "date": p.published_dt.strftime("%Y-%m-%d %H:%M:%S"),
                "date_gmt": p.published_dt.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            }
            for p in POSTS
        ],
        "origin": f"http://{HOST}:{port}",
    }


# ---------------------------------------------------------------- saving

_SKIP = ("/wp-admin", "/wp-includes", "/wp-content", "/wp-json", "/xmlrpc.php", "/wp-login")
_FEED_LINK = re.compile(r"(http://corpus\.invalid(?:/[^\s\"'<>?#]*?)?)/feed/(?=[\"'<\s])")


def saved_name(path: str) -> str:
    """Where a URL path is saved: feeds `/x/feed/` become `/x/feed.xml`."""
    if path.endswith("/feed/"):
        return path[: -len("/feed/")] + "/feed.xml"
    return path


def crawl(origin: str, public: Path) -> list[str]:
    """Save every page, feed and sitemap reachable from / and /wp-sitemap.xml."""
    host = urlsplit(origin).netloc
    queue = deque(["/", "/page/2/", "/page/3/", "/feed/", "/wp-sitemap.xml"])
    seen = set(queue)
    saved = []
    opener = urllib.request.build_opener()
    while queue and len(saved) < MAX_PAGES:
        path = queue.popleft()
        try:
            with opener.open(origin + path, timeout=60) as resp:
                final = urlsplit(resp.geturl())
                ctype = resp.headers.get("Content-Type", "")
                body = resp.read()
        except urllib.error.HTTPError:
            continue
        if final.netloc != host or final.query:
            continue
        path = final.path
        is_xml = "xml" in ctype
        if "html" not in ctype and not is_xml:
            continue
        text = body.decode("utf-8")
        for link in links(text, is_xml, origin + path):
            u = urlsplit(link)
            if u.netloc != host or u.query or u.path.startswith(_SKIP) or u.path.endswith(".php"):
                continue
            if u.path not in seen and (u.path.endswith(("/", ".xml"))):
                seen.add(u.path)
                queue.append(u.path)
        text = text.replace(host, "corpus.invalid").replace(
            host.replace(":", "%3A"), "corpus.invalid"
        )
        # Feeds' self links are built from the home URL's host without its port.
        text = text.replace(f"//{HOST}/", "//corpus.invalid/")
        text = _FEED_LINK.sub(r"\1/feed.xml", text)
        name = saved_name(unquote(path))
        target = url_file(public, name)
        if target.suffix not in (".html", ".xml"):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        saved.append(name)
    return saved


def links(text: str, is_xml: bool, base: str) -> list[str]:
    if is_xml:
        found = re.findall(r"<loc>([^<]+)</loc>", text)
        found += re.findall(r"<link>([^<]+)</link>", text)
    else:
        doc = lxml_html.fromstring(text.encode("utf-8"))
        found = doc.xpath(
            "//a/@href | //link[@rel='alternate' or @rel='next' or @rel='prev']/@href"
        )
    return [urljoin(base, html.unescape(h.strip())).split("#")[0] for h in found]


# ---------------------------------------------------------------- build


def build(site: Site, work: Path, out_root: Path, db: MariaDB) -> dict[str, Any]:
    t0 = time.monotonic()
    packages = debian_versions(DEBIAN_RECORDED)
    site_dir = work / "sites" / site.name
    if site_dir.exists():
        shutil.rmtree(site_dir)
    content = site_dir / "wp-content"
    (content / "mu-plugins").mkdir(parents=True)
    (content / "themes").symlink_to(WP_THEMES)
    (content / "languages").symlink_to(WP_LANGUAGES)
    (content / "uploads").mkdir()
    (content / "mu-plugins" / "corpus.php").write_text(MU_PLUGIN)
    db_name = "wp_" + site.theme
    db.sql(f"DROP DATABASE IF EXISTS {db_name}; CREATE DATABASE {db_name} CHARACTER SET utf8mb4")
    port = free_port()
    origin = f"http://{HOST}:{port}"
    WP_CONFIG.write_text(
        CONFIG.format(
            db=db_name,
            db_host=f"localhost:{db.socket}",
            content=str(content),
            origin=origin,
        )
    )
    cfg = site_dir / "setup.json"
    cfg.write_text(json.dumps(setup_config(site, port), ensure_ascii=False), encoding="utf-8")
    (site_dir / "setup.php").write_text(SETUP_PHP)
    proc = subprocess.run(
        ["php", str(site_dir / "setup.php"), str(cfg)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "TZ": TZ},
    )
    if proc.returncode != 0:
        raise RuntimeError(f"setup.php failed: {(proc.stdout + proc.stderr)[-2000:]}")
    permalinks = json.loads(proc.stdout[proc.stdout.index("{") :])
    for post in POSTS:
        if permalinks[post.slug] != origin + wp_path(post):
            raise RuntimeError(f"permalink {permalinks[post.slug]} != {wp_path(post)}")
    public = site_dir / "public"
    server = PhpServer(site_dir, port)
    try:
        server.start()
        saved = crawl(origin, public)
    finally:
        server.stop()
    require_sane(site, public)
    versions = (
        packages["wordpress"].split("+")[0],
        packages[site.theme_package].split("+")[0],
    )
    language = "zh-CN" if site.options["locale"] == "zh_CN" else "en"
    kwargs: dict[str, Any] = {
        "versions": versions,
        "packages": dict(sorted(packages.items())),
        "per_page": PER_PAGE,
        "language": language,
    }
    summary = record_site(site, public, out_root, t0, **kwargs)
    stripped = (out_root / site.name / "site.tar.gz").stat().st_size > MAX_TAR
    if stripped:
        for page in public.rglob("*.html"):
            page.write_bytes(strip_inline(page.read_bytes()))
        summary = record_site(site, public, out_root, t0, **kwargs)
    truth_file = out_root / site.name / "truth.json"
    record = json.loads(truth_file.read_text(encoding="utf-8"))
    record["inline_css_js_stripped"] = stripped
    truth_file.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    summary.update(pages=len(saved), stripped=stripped)
    return summary


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", default=",".join(SITES), help="comma-separated site names")
    ap.add_argument("--work", type=Path, default=Path("/tmp/themes-build/wordpress"))
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--keep", action="store_true", help="keep the databases and saved trees")
    args = ap.parse_args()
    ensure_packages()
    args.work.mkdir(parents=True, exist_ok=True)
    db = MariaDB(args.work)
    failures = 0
    try:
        db.start()
        for name in args.sites.split(","):
            site = SITES[name.strip()]
            try:
                print(json.dumps(build(site, args.work, args.out, db), ensure_ascii=False))
            except Exception as exc:  # one broken theme must not stop the others
                failures += 1
                print(json.dumps({"site": site.name, "error": str(exc)[-1500:]}), flush=True)
    finally:
        db.stop()
        WP_CONFIG.unlink(missing_ok=True)
        if not args.keep:
            shutil.rmtree(args.work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
