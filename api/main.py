"""The FastAPI app: `uvicorn api.main:app` (make api)."""

import gc
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from assistant.dialog import DialogManager

from .errors import install_error_handlers
from .routes import router
from .settings import ApiSettings
from .state import open_state

TITLE = "Virtual dialog office API"
VERSION = "1.0.0"
DESCRIPTION = "The chat assistant of ПАО «Россети Московский регион» for apps, widgets"


def create_app(settings: ApiSettings | None = None,
               manager: DialogManager | None = None) -> FastAPI:
    """The app; the model loads at start-up unless a loaded manager is given (tests)."""
    settings = settings or ApiSettings()
    app = FastAPI(title=TITLE, version=VERSION, description=DESCRIPTION,
                  lifespan=make_lifespan(settings, manager))
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type"],
        expose_headers=["Retry-After"],
    )
    install_error_handlers(app)
    app.include_router(router)
    return app


def make_lifespan(settings: ApiSettings, manager: DialogManager | None):
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # Imported here so that writing the OpenAPI file does not load CatBoost.
        from assistant.service import load_dialog_manager, warm_up

        state = open_state(settings, manager or load_dialog_manager())
        warm_up(state.manager)
        app.state.api = state
        # The models, vocabularies and store stay for the process's life: out of the
        # collector's sight, a full collection no longer walks them while clients wait.
        gc.freeze()
        try:
            yield
        finally:
            # Rows queued while another process held the file get one last try.
            state.chat_log.close()

    return lifespan


app = create_app()
