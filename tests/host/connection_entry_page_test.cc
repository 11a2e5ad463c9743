// The connection entry page over a real HTTP listener (an mcp::HttpServer
// serving pages only, as the stdio gateway's side listener does), driven
// by raw HTTP requests: each security rule of docs/security.md ("The
// connection entry page") and the hand-over to the waiting tool call.
#include "host/connection_entry_page.h"

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "mcp/server/server.h"
#include "mcp/transport/http_server.h"
#include "support/raw_http.h"

namespace aurite::host {
namespace {

using namespace std::chrono_literals;
using rawhttp::Exchange;
using rawhttp::HttpHeader;
using rawhttp::HttpStatus;

constexpr const char* kCanary = "Canary-Pw-5521x";

struct Fixture {
  Fixture() {
    EntrySecuring securing;
    securing.secure = [this](const EntryDetails& details,
                             crypto::SecretBuffer text) -> StatusOr<SecuredEntry> {
      std::lock_guard lock(mu);
      secured.push_back(std::string(text.Reveal()));
      if (text.Reveal() == "refuse") return InvalidArgumentError("not a connection string");
      return SecuredEntry{crypto::SecretBuffer::CopyFrom("aurite_tk_" + details.owner), "masked",
                          "sql"};
    };
    securing.discard = [this](SecuredEntry&) {
      std::lock_guard lock(mu);
      ++discarded;
    };
    ConnectionEntryTable::Options options;
    options.clock = [this] {
      std::lock_guard lock(mu);
      return now;
    };
    table = std::make_unique<ConnectionEntryTable>(std::move(securing), options);
    page = std::make_unique<ConnectionEntryPage>(*table);
    mcp::HttpServerOptions http;
    http.serve_mcp = false;
    http.pages_prefix = ConnectionEntryPage::kPathPrefix;
    http.pages = [this](mcp::PageRequest& request) { return page->Serve(request); };
    listener = std::make_unique<mcp::HttpServer>(server, http);
    EXPECT_TRUE(listener->Start().ok());
  }

  ConnectionEntryTable::Opened Open(std::string storage_type = "postgresql") {
    auto opened =
        table->Open({"owner-1", storage_type, "the <b>sales</b> reports", "Claude <x>", ""});
    EXPECT_TRUE(opened.ok());
    return *opened;
  }
  std::string Origin() const { return "http://127.0.0.1:" + std::to_string(listener->port()); }
  std::string Get(const std::string& id) {
    return Exchange(
        listener->port(),
        "GET /connect/" + id + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  }
  // The CSRF token in the form of entry `id`'s page.
  std::string Csrf(const std::string& id) {
    const std::string html = Get(id);
    const std::string marker = "name=\"csrf\" value=\"";
    const auto at = html.find(marker);
    if (at == std::string::npos) return "";
    const auto start = at + marker.size();
    return html.substr(start, html.find('"', start) - start);
  }
  std::string Post(const std::string& id, const std::string& body, const std::string& origin,
                   const std::string& type = "application/x-www-form-urlencoded",
                   const std::string& fetch_site = "") {
    std::string head = "POST /connect/" + id +
                       " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(listener->port()) +
                       "\r\nConnection: close\r\n";
    if (!origin.empty()) head += "Origin: " + origin + "\r\n";
    if (!fetch_site.empty()) head += "Sec-Fetch-Site: " + fetch_site + "\r\n";
    head +=
        "Content-Type: " + type + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    return Exchange(listener->port(), head + body);
  }
  std::string Form(const std::string& csrf, const std::string& code) {
    return "csrf=" + csrf + "&code=" + code + "&connection_string=postgresql%3A%2F%2Fapp%3A" +
           kCanary + "%40db%2Fsales";
  }
  std::size_t SecuredCount() {
    std::lock_guard lock(mu);
    return secured.size();
  }
  void Advance(std::chrono::steady_clock::duration by) {
    {
      std::lock_guard lock(mu);
      now += by;
    }
    table->Tick();
  }

  std::mutex mu;
  std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now();
  std::vector<std::string> secured;
  int discarded = 0;
  mcp::McpServer server;
  std::unique_ptr<ConnectionEntryTable> table;
  std::unique_ptr<ConnectionEntryPage> page;
  std::unique_ptr<mcp::HttpServer> listener;  // last: stopped first
};

void ExpectNoCanary(const std::string& answer) {
  EXPECT_EQ(answer.find(kCanary), std::string::npos) << "the password was echoed back";
}

TEST(ConnectionEntryPage, ShowsTheRequestWithTheSecurityHeadersAndNoSecret) {
  Fixture f;
  const auto entry = f.Open();
  const std::string page = f.Get(entry.id);
  ASSERT_EQ(HttpStatus(page), 200) << page;
  EXPECT_NE(page.find("Claude &lt;x&gt;"), std::string::npos);  // escaped, never markup
  EXPECT_NE(page.find("the &lt;b&gt;sales&lt;/b&gt; reports"), std::string::npos);
  EXPECT_NE(page.find("postgresql"), std::string::npos);
  EXPECT_NE(page.find("expires 10 minutes after"), std::string::npos);
  // The code is what proves the submitter saw the client's message: the
  // page (which anyone with the URL can load) must not give it away.
  EXPECT_EQ(page.find(entry.code), std::string::npos);
  EXPECT_NE(page.find("name=\"password\" type=\"password\""), std::string::npos);
  const std::string csp = HttpHeader(page, "Content-Security-Policy");
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(csp.find("http"), std::string::npos) << "no third-party source";
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(csp.find("script-src"), std::string::npos) << "no script at all";
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(HttpHeader(page, "X-Frame-Options"), "DENY");
  EXPECT_EQ(HttpHeader(page, "Referrer-Policy"), "no-referrer");
  EXPECT_EQ(HttpHeader(page, "Cache-Control"), "no-store");
}

TEST(ConnectionEntryPage, ASubmissionIsSecuredOnceAndHandedToTheWaitingCall) {
  Fixture f;
  const auto entry = f.Open();
  std::optional<StatusOr<SecuredEntry>> waited;
  std::jthread waiter([&] { waited = f.table->Wait(entry.id, "owner-1", {}); });
  const std::string csrf = f.Csrf(entry.id);
  ASSERT_FALSE(csrf.empty());
  // The code is accepted however the user types it.
  std::string lower = entry.code;
  for (char& c : lower) c = static_cast<char>(std::tolower(c));
  const std::string done = f.Post(entry.id, f.Form(csrf, lower), f.Origin());
  EXPECT_EQ(HttpStatus(done), 200) << done;
  EXPECT_NE(done.find("Connection saved"), std::string::npos);
  ExpectNoCanary(done);
  waiter.join();
  ASSERT_TRUE(waited->ok()) << waited->status().message();
  EXPECT_EQ((*waited)->token.Reveal(), "aurite_tk_owner-1");
  ASSERT_EQ(f.SecuredCount(), 1u);
  EXPECT_EQ(f.secured[0], std::string("postgresql://app:") + kCanary + "@db/sales");

  // One use: the page and the form are gone.
  const std::string again = f.Post(entry.id, f.Form(csrf, entry.code), f.Origin());
  EXPECT_EQ(HttpStatus(again), 404);
  EXPECT_NE(again.find("already used"), std::string::npos);
  EXPECT_EQ(HttpStatus(f.Get(entry.id)), 404);
  EXPECT_EQ(f.SecuredCount(), 1u);
}

TEST(ConnectionEntryPage, SeparateFieldsAreAssembledAndThePasswordNeverEchoed) {
  Fixture f;
  const auto entry = f.Open();
  const std::string body = "csrf=" + f.Csrf(entry.id) + "&code=" + entry.code +
                           "&host=db&port=5432&database=sales&user=app&password=" + kCanary +
                           "&tls=require";
  const std::string done = f.Post(entry.id, body, f.Origin());
  EXPECT_EQ(HttpStatus(done), 200) << done;
  ExpectNoCanary(done);
  ASSERT_EQ(f.SecuredCount(), 1u);
  EXPECT_EQ(f.secured[0],
            std::string("postgresql://app:") + kCanary + "@db:5432/sales?sslmode=require");
}

TEST(ConnectionEntryPage, RefusesWhatIsNotTheUserOnTheirOwnPageAndChangesNothing) {
  Fixture f;
  const auto entry = f.Open();
  const std::string csrf = f.Csrf(entry.id);
  struct Case {
    std::string name, body, origin, type;
    int status;
    std::string says;
    std::string fetch_site = "";
  } cases[] = {
      {"wrong code", f.Form(csrf, "WXYZ-2345"), f.Origin(), "application/x-www-form-urlencoded",
       403, "confirmation code is wrong"},
      {"missing CSRF", f.Form("", entry.code), f.Origin(), "application/x-www-form-urlencoded", 403,
       "security token"},
      {"wrong CSRF", f.Form(std::string(32, 'a'), entry.code), f.Origin(),
       "application/x-www-form-urlencoded", 403, "security token"},
      {"foreign Origin", f.Form(csrf, entry.code), "https://evil.example",
       "application/x-www-form-urlencoded", 403, "another site"},
      {"no Origin", f.Form(csrf, entry.code), "", "application/x-www-form-urlencoded", 403,
       "no origin"},
      {"opaque Origin from another site", f.Form(csrf, entry.code), "null",
       "application/x-www-form-urlencoded", 403, "opaque origin", "cross-site"},
      {"opaque Origin, no Sec-Fetch-Site", f.Form(csrf, entry.code), "null",
       "application/x-www-form-urlencoded", 403, "opaque origin"},
      {"JSON body", f.Form(csrf, entry.code), f.Origin(), "application/json", 415,
       "x-www-form-urlencoded"},
      {"no connection", "csrf=" + csrf + "&code=" + entry.code, f.Origin(),
       "application/x-www-form-urlencoded", 400, "enter the host"},
  };
  for (const Case& c : cases) {
    const std::string answer = f.Post(entry.id, c.body, c.origin, c.type, c.fetch_site);
    EXPECT_EQ(HttpStatus(answer), c.status) << c.name << ": " << answer;
    EXPECT_NE(answer.find(c.says), std::string::npos) << c.name << ": " << answer;
    EXPECT_EQ(HttpHeader(answer, "X-Frame-Options"), "DENY") << c.name;
    ExpectNoCanary(answer);
  }
  EXPECT_EQ(f.SecuredCount(), 0u);
  // Nothing changed: the entry still takes the right submission, here as a
  // browser sends it under Referrer-Policy: no-referrer.
  EXPECT_EQ(HttpStatus(f.Post(entry.id, f.Form(csrf, entry.code), "null",
                              "application/x-www-form-urlencoded", "same-origin")),
            200);
}

TEST(ConnectionEntryPage, TooManyWrongCodesCancelTheRequest) {
  Fixture f;
  const auto entry = f.Open();
  const std::string csrf = f.Csrf(entry.id);
  std::string last;
  for (int i = 0; i < 5; ++i) last = f.Post(entry.id, f.Form(csrf, "WXYZ-2345"), f.Origin());
  EXPECT_NE(last.find("wrong too many times"), std::string::npos) << last;
  EXPECT_EQ(HttpStatus(f.Post(entry.id, f.Form(csrf, entry.code), f.Origin())), 404);
  auto waited = f.table->Wait(entry.id, "owner-1", {});
  EXPECT_EQ(waited.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(f.SecuredCount(), 0u);
}

TEST(ConnectionEntryPage, AnExpiredLinkIsRefusedAndItsWaiterTold) {
  Fixture f;
  const auto entry = f.Open();
  const std::string csrf = f.Csrf(entry.id);
  std::optional<StatusOr<SecuredEntry>> waited;
  std::jthread waiter([&] { waited = f.table->Wait(entry.id, "owner-1", {}); });
  f.Advance(10min + 1s);
  waiter.join();
  EXPECT_EQ(waited->status().code(), StatusCode::kDeadlineExceeded);
  const std::string page = f.Get(entry.id);
  EXPECT_EQ(HttpStatus(page), 404);
  EXPECT_NE(page.find("expired"), std::string::npos);
  EXPECT_EQ(HttpStatus(f.Post(entry.id, f.Form(csrf, entry.code), f.Origin())), 404);
  EXPECT_EQ(f.SecuredCount(), 0u);
  EXPECT_FALSE(f.table->HasPending());
}

TEST(ConnectionEntryPage, UnknownIdsOtherOwnersAndHugeBodiesAreRefused) {
  Fixture f;
  const auto entry = f.Open();
  EXPECT_EQ(HttpStatus(f.Get(std::string(32, '0'))), 404);
  // The DNS-rebinding defence holds for pages too.
  EXPECT_EQ(HttpStatus(Exchange(f.listener->port(), "GET /connect/" + entry.id +
                                                        " HTTP/1.1\r\nHost: evil.example\r\n"
                                                        "Connection: close\r\n\r\n")),
            403);
  // A pages-only listener serves no MCP.
  EXPECT_EQ(HttpStatus(Exchange(f.listener->port(), rawhttp::McpPost(rawhttp::kInitializeBody))),
            404);
  EXPECT_EQ(f.table->Wait(entry.id, "owner-2", {}).status().code(), StatusCode::kNotFound);
  const std::string huge =
      f.Form(f.Csrf(entry.id), entry.code) + "&host=" + std::string(64 * 1024, 'a');
  EXPECT_EQ(HttpStatus(f.Post(entry.id, huge, f.Origin())), 413);
  EXPECT_EQ(f.SecuredCount(), 0u);
}

TEST(ConnectionEntryPage, ADeclinedRequestEndsItsPageAndWaiter) {
  Fixture f;
  const auto entry = f.Open();
  const std::string csrf = f.Csrf(entry.id);
  f.table->Cancel(entry.id);
  EXPECT_EQ(f.table->Wait(entry.id, "owner-1", {}).status().code(), StatusCode::kCancelled);
  const std::string answer = f.Post(entry.id, f.Form(csrf, entry.code), f.Origin());
  EXPECT_EQ(HttpStatus(answer), 404);
  EXPECT_NE(answer.find("cancelled"), std::string::npos);
  EXPECT_EQ(f.SecuredCount(), 0u);
}

TEST(ConnectionEntryPage, ATokenNobodyTookIsDiscardedWhenTheEntryExpires) {
  Fixture f;
  const auto entry = f.Open();
  EXPECT_EQ(HttpStatus(f.Post(entry.id, f.Form(f.Csrf(entry.id), entry.code), f.Origin())), 200);
  f.Advance(11min);
  std::lock_guard lock(f.mu);
  EXPECT_EQ(f.discarded, 1);
}

TEST(ConnectionEntryPage, AStopRequestEndsTheWait) {
  Fixture f;
  const auto entry = f.Open();
  std::stop_source stop;
  std::optional<StatusOr<SecuredEntry>> waited;
  std::jthread waiter([&] { waited = f.table->Wait(entry.id, "owner-1", stop.get_token()); });
  stop.request_stop();
  waiter.join();
  EXPECT_EQ(waited->status().code(), StatusCode::kCancelled);
}

// An OAuth principal's entry: the form only for a browser that signed in
// as that subject (AdmitBrowser), whatever else the request gets right.
TEST(ConnectionEntrySignIn, OnlyTheBrowserOfTheSameSubjectGetsTheFormOrSubmits) {
  Fixture f;
  auto opened = f.table->Open({"owner-1", "postgresql", "", "Claude", "oauth:https://idp alice"});
  ASSERT_TRUE(opened.ok());
  const std::string& id = opened->id;
  EXPECT_EQ(f.table->ForPage(id).status().code(), StatusCode::kUnauthenticated);
  auto csrf_of = [&](std::string_view key) {
    auto view = f.table->ForPage(id, key);
    return view.ok() ? view->csrf : std::string();
  };
  auto key = f.table->AdmitBrowser(id, "oauth:https://idp alice");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  const std::string csrf = csrf_of(*key);
  ASSERT_FALSE(csrf.empty());
  for (const std::string& wrong : {std::string(), std::string(key->size(), '0')}) {
    Status refused = f.table->Submit(
        id, csrf, opened->code, crypto::SecretBuffer::CopyFrom("postgresql://a:b@db/x"), wrong);
    EXPECT_EQ(refused.code(), StatusCode::kUnauthenticated) << refused.ToString();
  }
  EXPECT_EQ(f.SecuredCount(), 0u);
  EXPECT_TRUE(f.table
                  ->Submit(id, csrf, opened->code,
                           crypto::SecretBuffer::CopyFrom("postgresql://a:b@db/x"), *key)
                  .ok());
  EXPECT_EQ(f.SecuredCount(), 1u);
}

// The link reached someone else (forwarded, phished): their sign-in ends
// the request, so no secret of theirs can reach the asker's session.
TEST(ConnectionEntrySignIn, AnotherSubjectSigningInCancelsTheRequest) {
  Fixture f;
  auto opened = f.table->Open({"owner-1", "postgresql", "", "Claude", "oauth:https://idp alice"});
  ASSERT_TRUE(opened.ok());
  auto refused = f.table->AdmitBrowser(opened->id, "oauth:https://idp bob");
  EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(refused.status().message().find("different user"), std::string::npos);
  EXPECT_EQ(f.table->AdmitBrowser(opened->id, "oauth:https://idp alice").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(f.table->Wait(opened->id, "owner-1", {}).status().code(), StatusCode::kCancelled);

  // An entry the confirmation code alone guards has no sign-in to admit.
  const auto plain = f.Open();
  EXPECT_EQ(f.table->AdmitBrowser(plain.id, "oauth:https://idp alice").status().code(),
            StatusCode::kPermissionDenied);
}

// Fail closed: without a sign-in configured, the page of an OAuth
// principal's entry shows no form.
TEST(ConnectionEntrySignIn, WithoutASignInThePageRefusesASubjectsEntry) {
  Fixture f;
  auto opened = f.table->Open({"owner-1", "postgresql", "", "Claude", "oauth:https://idp alice"});
  ASSERT_TRUE(opened.ok());
  const std::string answer = f.Get(opened->id);
  EXPECT_EQ(HttpStatus(answer), 403) << answer;
  EXPECT_NE(answer.find("cannot check who you are"), std::string::npos) << answer;
  EXPECT_EQ(answer.find("name=\"csrf\""), std::string::npos) << answer;
  const std::string callback = Exchange(f.listener->port(),
                                        "GET /connect/callback?code=x&state=y HTTP/1.1\r\nHost: "
                                        "127.0.0.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(HttpStatus(callback), 404) << callback;
}

}  // namespace
}  // namespace aurite::host
