// parse_ws_url: the peer URLs replication and `datt-relay sync` accept (ws:// and wss://)
// and the ones they refuse with bad_url.
#include <gtest/gtest.h>

#include "net/ws_client.h"

namespace datt::relay {
namespace {

TEST(WsUrl, PlainWithDefaults) {
    auto url = parse_ws_url("ws://relay.example");
    ASSERT_TRUE(url) << url.error().message;
    EXPECT_FALSE(url->tls);
    EXPECT_EQ(url->host, "relay.example");
    EXPECT_EQ(url->port, "80");
    EXPECT_EQ(url->target, "/");
}

TEST(WsUrl, TlsWithDefaults) {
    auto url = parse_ws_url("wss://relay.example/nostr?x=1");
    ASSERT_TRUE(url) << url.error().message;
    EXPECT_TRUE(url->tls);
    EXPECT_EQ(url->host, "relay.example");
    EXPECT_EQ(url->port, "443");
    EXPECT_EQ(url->target, "/nostr?x=1");
}

TEST(WsUrl, ExplicitPorts) {
    auto plain = parse_ws_url("ws://127.0.0.1:7447/");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->host, "127.0.0.1");
    EXPECT_EQ(plain->port, "7447");
    auto tls = parse_ws_url("wss://relay.example:8443");
    ASSERT_TRUE(tls);
    EXPECT_TRUE(tls->tls);
    EXPECT_EQ(tls->port, "8443");
}

TEST(WsUrl, BracketedIpv6) {
    auto with_port = parse_ws_url("wss://[::1]:9000/x");
    ASSERT_TRUE(with_port) << with_port.error().message;
    EXPECT_EQ(with_port->host, "[::1]");
    EXPECT_EQ(with_port->port, "9000");
    EXPECT_EQ(with_port->target, "/x");
    auto without = parse_ws_url("wss://[::1]");
    ASSERT_TRUE(without) << without.error().message;
    EXPECT_EQ(without->host, "[::1]");
    EXPECT_EQ(without->port, "443");
}

TEST(WsUrl, Refused) {
    for (const char* bad :
         {"http://relay.example", "relay.example", "ws://", "wss://:443",
          "ws://host:", "ws://host:80x", "wss://user@host", "WS://host", "ws://host:8080?x", ""}) {
        auto url = parse_ws_url(bad);
        ASSERT_FALSE(url) << bad;
        EXPECT_EQ(url.error().code, "bad_url") << bad;
    }
}

}  // namespace
}  // namespace datt::relay
