"""GET /me: the caller."""

from flask_login import current_user
from flask_smorest import Blueprint

from app.auth.schemas import UserSchema

blp = Blueprint("api_me", __name__, url_prefix="/me", description="The signed-in caller")


@blp.route("", methods=["GET"])
@blp.response(200, UserSchema)
def me():
    """The user the token belongs to, with their role and organisation."""
    return current_user
