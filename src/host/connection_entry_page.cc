// The HTML of the connection entry page and its form handling. The page has
// no script and one inline stylesheet, allowed by its hash in the CSP.
#include "host/connection_entry_page.h"

#include <fmt/format.h>

#include "host/connection_entry_form.h"
#include "runtime/log.h"
#include "security/digests.h"
#include "sql/value_encoding.h"

namespace aurite::host {
namespace {

constexpr const char* kStyle =
    "body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;"
    "color:#1b1b1b}h1{font-size:1.4rem}dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem "
    "1rem}dt{font-weight:600}fieldset{margin:1rem 0;border:1px solid #bbb;border-radius:6px}"
    "label{display:block;margin:.5rem 0 .2rem}input,select{width:100%;padding:.4rem;"
    "box-sizing:border-box}button{margin-top:1rem;padding:.5rem 1.5rem;font-size:1rem}"
    ".note{color:#555;font-size:.9rem}.error{color:#a00;font-weight:600}";

const std::string& Csp() {
  static const std::string csp = [] {
    const security::Sha256Digest digest = security::Sha256(kStyle);
    return fmt::format(
        "default-src 'none'; style-src 'sha256-{}'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'",
        sql::Base64Encode(digest));
  }();
  return csp;
}

std::string Escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

mcp::PageResponse Page(int status, const std::string& title, const std::string& body) {
  mcp::PageResponse res;
  res.status = status;
  res.headers = {{"Content-Security-Policy", Csp()},
                 {"X-Frame-Options", "DENY"},
                 {"Referrer-Policy", "no-referrer"},
                 {"Cache-Control", "no-store"},
                 {"X-Content-Type-Options", "nosniff"}};
  res.body = fmt::format(
      "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
      "content=\"width=device-width\"><title>{0} · Aurite</title><style>{1}</style></head><body>"
      "<h1>{0}</h1>{2}</body></html>",
      Escape(title), kStyle, body);
  return res;
}

// A refusal, with a way back to the form when the entry is still usable.
mcp::PageResponse ErrorPage(int status, const std::string& message, const std::string& back) {
  std::string body = "<p class=\"error\">" + Escape(message) + "</p>";
  if (!back.empty()) body += "<p><a href=\"" + Escape(back) + "\">Back to the form</a></p>";
  return Page(status, "Connection not saved", body);
}

int HttpStatusOf(const Status& status) {
  switch (status.code()) {
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kPermissionDenied:
    case StatusCode::kUnauthenticated:
      return 403;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kResourceExhausted:
      return 429;
    default:
      return 400;
  }
}

std::string FormInput(const char* name, const char* label, const char* type,
                      const char* extra = "") {
  return fmt::format(
      "<label for=\"{0}\">{1}</label><input id=\"{0}\" name=\"{0}\" type=\"{2}\" "
      "autocomplete=\"off\" spellcheck=\"false\"{3}>",
      name, label, type, extra);
}

std::string FormBody(const ConnectionEntryTable::PageView& view, const std::string& path,
                     std::chrono::milliseconds lifetime) {
  const EntryDetails& d = view.details;
  std::string body = fmt::format(
      "<p><strong>{}</strong> asks for a database connection. What you enter here goes to the "
      "Aurite gateway only: it is encrypted at once, and neither the client nor its model ever "
      "sees it.</p><dl><dt>Client</dt><dd>{}</dd><dt>Storage type</dt><dd>{}</dd>"
      "<dt>Purpose</dt><dd>{}</dd></dl>",
      Escape(d.client_name.empty() ? "An MCP client" : d.client_name),
      Escape(d.client_name.empty() ? "(did not say)" : d.client_name), Escape(d.storage_type),
      Escape(d.description.empty() ? "(not given)" : d.description));
  body += "<form method=\"post\" action=\"" + Escape(path) + "\">";
  body += "<input type=\"hidden\" name=\"csrf\" value=\"" + Escape(view.csrf) + "\">";
  body += FormInput("code", "Confirmation code (shown by your client with this link)", "text",
                    " required placeholder=\"ABCD-EFGH\"");
  body += "<fieldset><legend>A connection string</legend>" +
          FormInput("connection_string", "Connection string", "password",
                    " placeholder=\"postgresql://user:password@host:5432/db\"") +
          "</fieldset>";
  body += "<fieldset><legend>or its parts</legend>";
  if (d.storage_type == "sql") {
    body +=
        "<label for=\"engine\">Engine</label><select id=\"engine\" name=\"engine\">"
        "<option value=\"postgresql\">PostgreSQL</option>"
        "<option value=\"mysql\">MySQL / MariaDB</option></select>";
  }
  if (d.storage_type == "sqlite") {
    body += FormInput("database", "Database file path", "text");
  } else {
    body += FormInput("host", "Host", "text") +
            FormInput("port", "Port", "text", " inputmode=\"numeric\"") +
            FormInput("database", "Database", "text") + FormInput("user", "User", "text") +
            FormInput("password", "Password", "password") +
            "<label for=\"tls\">TLS</label><select id=\"tls\" name=\"tls\">"
            "<option value=\"\">driver default</option><option value=\"require\">require</option>"
            "<option value=\"verify-full\">verify the server's certificate</option>"
            "<option value=\"disable\">disable</option></select>";
  }
  body +=
      "</fieldset><button type=\"submit\">Save connection</button></form>"
      "<p class=\"note\">This link works once and expires " +
      LifetimeText(lifetime) + " after it was made.</p>";
  return body;
}

constexpr std::string_view kBrowserCookie = "aurite_entry";

// The value of the browser-key cookie in a Cookie header; "" when absent.
std::string BrowserKey(std::string_view cookies) {
  while (!cookies.empty()) {
    const std::size_t semi = cookies.find(';');
    std::string_view item = cookies.substr(0, semi);
    cookies = semi == std::string_view::npos ? std::string_view() : cookies.substr(semi + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    if (item.size() > kBrowserCookie.size() && item.starts_with(kBrowserCookie) &&
        item[kBrowserCookie.size()] == '=') {
      return std::string(item.substr(kBrowserCookie.size() + 1));
    }
  }
  return "";
}

std::string OwnOrigin(const mcp::PageRequest& request) {
  return (request.tls ? "https://" : "http://") + request.host;
}

mcp::PageResponse Redirect(const std::string& location, const std::string& what) {
  mcp::PageResponse res =
      Page(303, what, "<p><a href=\"" + Escape(location) + "\">Continue</a></p>");
  res.headers.emplace_back("Location", location);
  return res;
}

}  // namespace

std::string ConnectionEntryPath(const std::string& id) {
  return std::string(ConnectionEntryPage::kPathPrefix) + id;
}

mcp::PageResponse ConnectionEntryPage::Serve(mcp::PageRequest& request) {
  if (request.path == EntrySignIn::kCallbackPath && request.method == "GET") {
    return FinishSignIn(request);
  }
  const std::string id = request.path.substr(std::string_view(kPathPrefix).size());
  if (request.method == "GET") return ServeForm(id, request);
  if (request.method == "POST") return Submit(id, request);
  mcp::PageResponse res = ErrorPage(405, "Only GET and POST are served here.", "");
  res.headers.emplace_back("Allow", "GET, POST");
  return res;
}

mcp::PageResponse ConnectionEntryPage::StartSignIn(const std::string& id,
                                                   const mcp::PageRequest& request) {
  if (sign_in_ == nullptr) {
    return ErrorPage(403,
                     "this gateway cannot check who you are, so it takes no connection for a "
                     "signed-in user here (its operator can set gateway.auth.entry_page)",
                     "");
  }
  StatusOr<std::string> url = sign_in_->Begin(id, OwnOrigin(request));
  if (!url.ok()) return ErrorPage(503, "cannot sign you in now: " + url.status().message(), "");
  return Redirect(*url, "Sign in");
}

mcp::PageResponse ConnectionEntryPage::FinishSignIn(const mcp::PageRequest& request) {
  if (sign_in_ == nullptr) return ErrorPage(404, "there is no sign-in on this gateway", "");
  StatusOr<EntrySignIn::SignedIn> signed_in = sign_in_->Finish(request.query, OwnOrigin(request));
  if (!signed_in.ok()) {
    return ErrorPage(HttpStatusOf(signed_in.status()), signed_in.status().message(), "");
  }
  StatusOr<std::string> key = table_.AdmitBrowser(signed_in->entry_id, signed_in->subject);
  if (!key.ok()) {
    runtime::LogWarn("connection entry page: {}",
                     key.status().code() == StatusCode::kPermissionDenied
                         ? "another user signed in on an entry link; the entry is cancelled"
                         : "a sign-in came back for an entry that cannot be used");
    return ErrorPage(HttpStatusOf(key.status()), key.status().message(), "");
  }
  const std::string path = ConnectionEntryPath(signed_in->entry_id);
  mcp::PageResponse res = Redirect(path, "Signed in");
  res.headers.emplace_back(
      "Set-Cookie", std::string(kBrowserCookie) + "=" + *key + "; Path=" + path +
                        "; HttpOnly; SameSite=Lax; Max-Age=600" + (request.tls ? "; Secure" : ""));
  return res;
}

mcp::PageResponse ConnectionEntryPage::ServeForm(const std::string& id,
                                                 const mcp::PageRequest& request) {
  StatusOr<ConnectionEntryTable::PageView> view = table_.ForPage(id, BrowserKey(request.cookie));
  if (view.status().code() == StatusCode::kUnauthenticated) return StartSignIn(id, request);
  if (!view.ok()) return ErrorPage(HttpStatusOf(view.status()), view.status().message(), "");
  return Page(200, "Connect a database",
              FormBody(*view, ConnectionEntryPath(id), table_.lifetime()));
}

mcp::PageResponse ConnectionEntryPage::Submit(const std::string& id, mcp::PageRequest& request) {
  const std::string own_origin = OwnOrigin(request);
  // Under Referrer-Policy: no-referrer a browser posts the page's own form
  // with Origin "null"; Sec-Fetch-Site (which a page cannot set) then says
  // whether the form was this site's.
  const bool own = request.origin == own_origin ||
                   (request.origin == "null" && request.fetch_site == "same-origin");
  if (!own) {
    return ErrorPage(
        403,
        "This form must be submitted from its own page (the request came from " +
            std::string(request.origin.empty() ? "no origin" : "another site or an opaque origin") +
            "). Open the link from your client and submit the form there.",
        "");
  }
  if (request.content_type.rfind("application/x-www-form-urlencoded", 0) != 0) {
    return ErrorPage(415, "The form must be sent as application/x-www-form-urlencoded.", "");
  }
  const std::string key = BrowserKey(request.cookie);
  StatusOr<ConnectionEntryTable::PageView> view = table_.ForPage(id, key);
  if (!view.ok()) return ErrorPage(HttpStatusOf(view.status()), view.status().message(), "");
  StatusOr<EntryForm> form = ParseEntryForm(request.body, view->details.storage_type);
  request.body.Clear();
  if (!form.ok()) return ErrorPage(400, form.status().message(), ConnectionEntryPath(id));
  Status submitted =
      table_.Submit(id, form->csrf, form->code, std::move(form->connection_string), key);
  if (!submitted.ok()) {
    // A refusal that ended the entry has no form to go back to.
    const bool usable = table_.ForPage(id, key).ok();
    return ErrorPage(HttpStatusOf(submitted), submitted.message(),
                     usable ? ConnectionEntryPath(id) : "");
  }
  return Page(
      200, "Connection saved",
      "<p>The connection is saved in the Aurite gateway, encrypted. You can close this "
      "tab and return to " +
          Escape(view->details.client_name.empty() ? "your client" : view->details.client_name) +
          ".</p>");
}

}  // namespace aurite::host
