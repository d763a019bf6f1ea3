"""Flask extensions: created here, bound to the app in create_app().

Only extensions that keep their per-app state on the app belong here; the rate limiter
(app.rate_limits) and the API (app.api) are made for each app instead."""

from flask_caching import Cache
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

from app.database import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
talisman = Talisman()
cache = Cache()  # app.kept; Redis in production (CACHE_REDIS_URL)
