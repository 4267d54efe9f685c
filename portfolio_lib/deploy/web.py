"""The dashboards as one JupyterHub service: standalone Voila, signed in through the hub, running no one's code.

Standalone Voila already refuses `execute_request` on a page's kernel websocket and has no
kernel-creating, contents-writing or terminal endpoints. On top of that this service
- signs every request in through the hub (OAuth), and takes the viewer from that sign-in;
- serves only the workbench's pages (`domain.pages.notebooks()`), nothing else it finds;
- tells each page's kernel who signed in, in a cell the server adds before the notebook runs;
- lets a kernel's websocket, its API and its shutdown be used only by the person it was started for,
  and speaks only the pages' own websocket protocol (see `PageSocket`);
- keeps the service's own hub token out of the kernels' environment.
"""

from __future__ import annotations

import contextvars
import json
import os
import sys

import nbformat
from jupyter_server.auth import Authorizer
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from jupyterhub.singleuser.extension import JupyterHubIdentityProvider
from tornado import web
from voila.app import Voila
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from ..domain.pages import notebooks
from ..ui.common import SIGN_OUT_VARIABLE
from ..ui.identity import SIGN_IN_VARIABLE, VIEWER_VARIABLE

# Who the page being rendered is for: set by the prelaunch hook, read when its kernel starts (same request task).
_requesting = contextvars.ContextVar("portfolio_requesting_user", default=None)


class HubSignIn(JupyterHubIdentityProvider):
    """The hub's OAuth sign-in for a service, at the service's own prefix; its token stays out of kernels."""

    def __init__(self, **kwargs):
        kwargs.pop("token", None)                 # Voila offers a token; the hub's sign-in replaces it
        super().__init__(**kwargs)
        self.hub_auth.cache_max_age = 30          # a sign-out reaches the pages within half a minute
        self.hub_auth.api_token                   # read once from the environment, then removed from it
        os.environ.pop("JUPYTERHUB_API_TOKEN", None)

    def get_handlers(self):
        prefix = self.hub_auth.base_url.rstrip("/")
        return [(prefix + path, handler, *rest) for path, handler, *rest in super().get_handlers()]


class OwnedKernels(AsyncMappingKernelManager):
    """Remembers whom each kernel was started for."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.owners: dict[str, str] = {}

    async def start_kernel(self, *args, **kwargs):
        owner = _requesting.get()
        kernel_id = await super().start_kernel(*args, **kwargs)
        if owner is None:
            await self.shutdown_kernel(kernel_id, now=True)
            raise web.HTTPError(403, "這個頁面沒有登入的使用者。")
        self.owners[kernel_id] = owner
        return kernel_id

    async def shutdown_kernel(self, kernel_id, *args, **kwargs):
        try:
            return await super().shutdown_kernel(kernel_id, *args, **kwargs)
        finally:
            self.owners.pop(kernel_id, None)


def _owns(handler, user) -> bool:
    kernel_id = handler.path_kwargs.get("kernel_id") or (handler.path_args[0] if handler.path_args else None)
    return bool(kernel_id) and handler.kernel_manager.owners.get(kernel_id) == user.username


class PageAuthorizer(Authorizer):
    """A signed-in person may read and talk to their own pages' kernels, and read the pages; nothing else."""

    def is_authorized(self, handler, user, action, resource) -> bool:
        if resource == "kernels":
            return action in ("read", "execute") and _owns(handler, user)
        return action == "read" and resource in ("contents", "kernelspecs")


class OwnKernelShutdown(VoilaShutdownKernelHandler):
    """A page shuts its kernel down when it closes; only its owner's page may."""

    @web.authenticated
    async def post(self, kernel_id):
        if not _owns(self, self.current_user):
            raise web.HTTPError(403)
        return await super().post(kernel_id)


V1 = "v1.kernel.websocket.jupyter.org"
MAX_FRAME_PARTS = 64                      # header, parent, metadata, content and a few file buffers
MAX_MESSAGE_BYTES = 64 * 1024 * 1024      # a 10 MB video and more arrive whole, to be refused by the rules


def v1_frame_ok(frame) -> bool:
    """A well-formed v1 frame: a small number of increasing offsets inside the frame."""
    if not isinstance(frame, bytes) or len(frame) < 8:
        return False
    count = int.from_bytes(frame[:8], "little")
    if not 3 <= count <= MAX_FRAME_PARTS or len(frame) < 8 * (count + 1):
        return False
    offsets = [int.from_bytes(frame[8 * (i + 1):8 * (i + 2)], "little") for i in range(count)]
    return offsets == sorted(offsets) and offsets[0] == 8 * (count + 1) and offsets[-1] <= len(frame)


class PageSocket(VoilaKernelWebsocketHandler):
    """A page's kernel websocket, in the v1 protocol that the pages' script speaks, and nothing else.

    Voila's handler reads the header of every binary message as v1 without checking its framing, and
    jupyter_server decodes incoming v1 frames the same way: a frame in the older protocol, or a crafted
    one, makes either allocate without bound and stops the service for everyone. Here only v1 is spoken,
    and a frame that is not well formed closes that one socket."""

    async def get(self, *args, **kwargs):
        offered = [p.strip() for p in self.request.headers.get("Sec-WebSocket-Protocol", "").split(",")]
        if V1 not in offered:
            raise web.HTTPError(400, f"the kernel websocket speaks {V1} only")
        return await super().get(*args, **kwargs)

    def on_message(self, message):
        if not v1_frame_ok(message):
            self.log.warning("closing a kernel websocket of %s: a malformed frame", self.current_user.username)
            self.close(1003, "malformed frame")
            return None
        return super().on_message(message)


class ToLandingPage(web.RequestHandler):
    def get(self, *args):
        self.redirect(self.settings["base_url"] + "voila/render/index.ipynb")


def viewer_cell(login: str) -> nbformat.NotebookNode:
    """The cell that tells a page's kernel who signed in (added by the server, never by the page)."""
    source = (f"import os\nos.environ[{VIEWER_VARIABLE!r}] = {json.dumps(login)}\n"
              f"os.environ[{SIGN_IN_VARIABLE!r}] = '1'")
    return nbformat.v4.new_code_cell(source, metadata={"tags": ["portfolio-sign-in"]})


def prelaunch(handler, notebook, cwd):
    """Only the workbench's own pages run, each told who signed in."""
    path = handler.path_args[0] if handler.path_args else ""
    if path not in notebooks():
        raise web.HTTPError(404, "沒有這個頁面。")
    user = handler.current_user
    if user is None:
        raise web.HTTPError(403)
    _requesting.set(user.username)
    notebook.cells.insert(0, viewer_cell(user.username))
    return notebook


class DashboardService(Voila):
    """Voila as the workbench's signed-in dashboards service."""

    def initialize(self, argv=None):
        super().initialize(argv)
        prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/portfolio/")
        self.base_url = prefix
        self.server_url = prefix
        self.identity_provider_class = HubSignIn
        self.authorizer_class = PageAuthorizer
        self.port_retries = 0
        self.open_browser = False
        config = self.voila_configuration
        config.prelaunch_hook = prelaunch
        config.preheat_kernel = False
        config.multi_kernel_manager_class = OwnedKernels
        config.allow_template_override = "NO"
        config.allow_theme_override = "NO"
        config.show_tracebacks = False
        config.file_allowlist = []
        self.tornado_settings = {**self.tornado_settings, "websocket_max_message_size": MAX_MESSAGE_BYTES}
        os.environ[SIGN_IN_VARIABLE] = "1"
        os.environ[SIGN_OUT_VARIABLE] = prefix + "logout"
        for name in ("JUPYTERHUB_USER", VIEWER_VARIABLE):
            os.environ.pop(name, None)

    def init_handlers(self):
        handlers = []
        for spec in super().init_handlers():
            pattern, handler = spec[0], spec[1]
            if handler.__name__ in ("TornadoVoilaTreeHandler", "VoilaContentsHandler", "AllowListFileHandler"):
                continue
            if handler is VoilaShutdownKernelHandler:
                spec = (pattern, OwnKernelShutdown, *spec[2:])
            if handler is VoilaKernelWebsocketHandler:
                spec = (pattern, PageSocket, *spec[2:])
            handlers.append(spec)
        prefix = self.base_url.rstrip("/")
        return [(prefix + "/?", ToLandingPage), (prefix + "/voila/tree(.*)", ToLandingPage)] + handlers


def main(argv=None):
    DashboardService.launch_instance(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
