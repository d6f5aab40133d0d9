"""/favicon.ico: asked for by every browser and crawler, whatever the page links to."""


def test_the_favicon_is_served_for_the_site_and_the_desk(client, admin_user):
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[0][1] == 301
    assert (
        b"".join(response.streaming_content if response.streaming else [response.content])[:4] == b"\0\0\1\0"
    )
    client.force_login(admin_user)
    assert 'rel="icon" href="/static/img/favicon.svg"' in client.get("/admin/").content.decode()
