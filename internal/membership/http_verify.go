package membership

import (
	"encoding/json"
	"net/http"

	"zhijia/internal/web"
)

// verifyView is the public verifier page: the public key travels in the page
// (a data- attribute), so a page the service worker kept checks cards offline.
type verifyView struct {
	JWK string
}

// verify serves the card checker. The token is in the URL's fragment and never
// reaches the server: verify.js checks the signature with WebCrypto.
func (h *Handlers) verify(c *web.Ctx) error {
	b, err := json.Marshal(h.signer.PublicJWK())
	if err != nil {
		return err
	}
	return c.RenderPage(http.StatusOK, "membership/auth/verify", &web.Page{Title: c.T("membership.verify.title"),
		Data: &verifyView{JWK: string(b)}})
}
