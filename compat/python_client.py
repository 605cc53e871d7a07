"""Drive rc-users with the community Python client `rocketchat_API` (PyPI), unchanged.

    pip install rocketchat_API
    python3 compat/python_client.py http://localhost:3000 admin admin-pass

Exits non-zero on the first answer a Rocket.Chat client would not accept.
"""
import sys
import uuid

from rocketchat_API.rocketchat import RocketChat


def check(label, call, expect_success=True):
    """Run one client call; older client versions return a `requests` response, newer ones the
    decoded body (and raise on a failure)."""
    try:
        response = call()
        body = response.json() if hasattr(response, "json") else response
    except Exception as e:  # the newer client raises on success: false
        body = {"success": False, "error": str(e)}
    ok = body.get("success") is expect_success or (body.get("status") == "success" and expect_success)
    print(f"{'ok ' if ok else 'BAD'} {label}: {str(body)[:160]}")
    if not ok:
        sys.exit(1)
    return body


def main():
    server, user, password = sys.argv[1], sys.argv[2], sys.argv[3]
    rc = RocketChat(user, password, server_url=server)  # logs in through /api/v1/login
    me = check("me", lambda: rc.me())
    assert me["username"] == user
    check("info", lambda: rc.info())
    name = "py-" + uuid.uuid4().hex[:8]
    created = check("users.create", lambda: rc.users_create(f"{name}@acme.io", name, "Pw-12345!", name))
    uid = created["user"]["_id"]
    info = check("users.info", lambda: rc.users_info(user_id=uid))
    assert info["user"]["username"] == name
    check("users.info by username", lambda: rc.users_info(username=name))
    # The client pages through users.list itself (count/offset/total).
    users = list(rc.users_list())
    print(f"ok  users.list (paged by the client): {len(users)} users")
    assert any(u["_id"] == uid for u in users) and all("_id" in u for u in users)
    check("users.update", lambda: rc.users_update(uid, name="Py Client"))
    check("users.setActiveStatus", lambda: rc.users_set_active_status(uid, active_status=False))
    check("roles.list", lambda: rc.roles_list())
    check("permissions.listAll", lambda: rc.call_api_get("permissions.listAll"))
    check("users.getUsernameSuggestion", lambda: rc.call_api_get("users.getUsernameSuggestion"))
    check("users.delete", lambda: rc.users_delete(uid))
    check("users.info after delete", lambda: rc.users_info(user_id=uid), expect_success=False)
    check("logout", lambda: rc.logout())
    print("all good")


if __name__ == "__main__":
    main()
