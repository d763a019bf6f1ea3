"""The referral pages' blueprint: partners' inbox and referral pages, and the keyworker's
referral pages of a case. Partners, keyworkers and supervisors only (each view narrows
it further); every referral or case is then checked by its policy (out of scope: 404)."""

from flask import Blueprint

from app.auth.permissions import blueprint_roles
from app.auth.roles import Role

bp = Blueprint("referrals", __name__)
blueprint_roles(bp, Role.PARTNER, Role.KEYWORKER, Role.SUPERVISOR)
