// Relay engine parts that need no network: configuration, rate limiting, static files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/config.h"
#include "engine/static_files.h"
#include "engine/token_bucket.h"

namespace datt::relay {
namespace {

namespace fs = std::filesystem;

TEST(Config, DefaultsFlagsAndFile) {
    auto defaults = parse_config({});
    ASSERT_TRUE(defaults.ok());
    EXPECT_EQ(defaults->port, 8080);
    EXPECT_EQ(defaults->listen_address, "127.0.0.1");

    const fs::path file = fs::temp_directory_path() / ("datt-config-" + std::to_string(::getpid()));
    std::ofstream(file) << "# a comment\nport = 9000\nmax-limit=50  # trailing comment\nname = My relay\n";
    auto config = parse_config({"--config", file.string(), "--port", "9001", "--events-per-second=2.5"});
    fs::remove(file);
    ASSERT_TRUE(config.ok()) << config.error().message;
    EXPECT_EQ(config->port, 9001);  // flags override the file
    EXPECT_EQ(config->max_limit, 50u);
    EXPECT_EQ(config->name, "My relay");
    EXPECT_DOUBLE_EQ(config->events_per_second, 2.5);
}

TEST(Config, ErrorsNameTheOption) {
    auto unknown = parse_config({"--prot", "1"});
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.error().message.find("prot"), std::string::npos);
    auto bad_number = parse_config({"--port", "80x"});
    ASSERT_FALSE(bad_number.ok());
    EXPECT_NE(bad_number.error().message.find("--port"), std::string::npos);
    EXPECT_FALSE(parse_config({"--port", "70000"}).ok());
    EXPECT_FALSE(parse_config({"--port"}).ok());
    EXPECT_FALSE(parse_config({"stray"}).ok());
    EXPECT_FALSE(parse_config({"--config", "/nonexistent/datt.conf"}).ok());
    EXPECT_FALSE(parse_config({"--worker-threads", "0"}).ok());
    auto help = parse_config({"--help"});
    ASSERT_FALSE(help.ok());
    EXPECT_EQ(help.error().code, "help");
    // Every option is documented in --help.
    for (const char* option : {"--port", "--database", "--web-root", "--max-subscriptions",
                               "--events-per-second", "--max-outgoing-bytes", "--log-level"}) {
        EXPECT_NE(config_help().find(option), std::string::npos) << option;
    }
}

// The hub's on-chain margins must fit in its cltv_delta (relay/hub/onchain_deadlines.h).
TEST(Config, HubOnchainMarginsFitTheCltvDelta) {
    auto defaults = parse_config({});
    ASSERT_TRUE(defaults.ok());
    EXPECT_EQ(defaults->hub_offered_grace_blocks, 2u);
    EXPECT_EQ(defaults->hub_fulfilled_margin_blocks, 18u);
    EXPECT_EQ(defaults->hub_onchain_final_depth, 6u);
    EXPECT_TRUE(parse_config({"--hub-offered-grace-blocks", "33"}).ok());  // 33 + 6 < 40
    EXPECT_FALSE(parse_config({"--hub-offered-grace-blocks", "34"}).ok());
    EXPECT_FALSE(parse_config({"--hub-fulfilled-margin-blocks", "40"}).ok());
    EXPECT_TRUE(parse_config({"--hub-fulfilled-margin-blocks", "39"}).ok());
    EXPECT_FALSE(parse_config({"--hub-onchain-final-depth", "0"}).ok());
    EXPECT_FALSE(parse_config({"--hub-cltv-delta", "18"}).ok());
    for (const char* option : {"--hub-offered-grace-blocks", "--hub-fulfilled-margin-blocks", "--hub-onchain-final-depth"}) {
        EXPECT_NE(config_help().find(option), std::string::npos) << option;
    }
}

TEST(Config, EventWindow) {
    Config config;
    config.created_at_lower_limit = 3600;
    config.created_at_upper_limit = 60;
    const auto limits = event_limits(config, 1'700'000'000);
    EXPECT_EQ(limits.min_created_at, 1'700'000'000 - 3600);
    EXPECT_EQ(limits.max_created_at, 1'700'000'000 + 60);
    config.created_at_lower_limit = 0;
    EXPECT_EQ(event_limits(config, 1'700'000'000).min_created_at, 0);
}

TEST(TokenBucket, BurstThenRate) {
    TokenBucket bucket(10, 20);
    int taken = 0;
    for (int i = 0; i < 100; ++i) taken += bucket.take(0.0);
    EXPECT_EQ(taken, 20);
    EXPECT_FALSE(bucket.take(0.05));  // half a token
    EXPECT_TRUE(bucket.take(0.1));    // one token after 0.1 s at 10/s
    EXPECT_FALSE(bucket.take(0.1));
    taken = 0;
    for (int i = 0; i < 100; ++i) taken += bucket.take(100.0);  // refills only up to the burst
    EXPECT_EQ(taken, 20);
}

class StaticFilesTest : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() / ("datt-static-" + std::to_string(::getpid()));
        fs::create_directories(root_ / "app");
        std::ofstream(root_ / "index.html") << "<h1>home</h1>";
        std::ofstream(root_ / "app" / "main.mjs") << "export {}";
        std::ofstream(root_ / "core.wasm") << "\0asm";
        std::ofstream(root_.parent_path() / "datt-secret.txt") << "secret";
    }
    void TearDown() override {
        fs::remove_all(root_);
        fs::remove(root_.parent_path() / "datt-secret.txt");
    }
    // The files as the relay serves them: loaded once, then looked up in memory.
    const StaticFile* read_static_file(const std::string& root, std::string_view path) {
        loaded_ = StaticFiles::load(root);
        return loaded_.find(path);
    }
    fs::path root_;
    StaticFiles loaded_;
};

TEST_F(StaticFilesTest, ServesFilesWithTypes) {
    auto index = read_static_file(root_.string(), "/");
    ASSERT_TRUE(index);
    EXPECT_EQ(index->body, "<h1>home</h1>");
    EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
    auto module = read_static_file(root_.string(), "/app/main.mjs?v=1");
    ASSERT_TRUE(module);
    EXPECT_EQ(module->content_type, "text/javascript; charset=utf-8");
    EXPECT_EQ(read_static_file(root_.string(), "/core.wasm")->content_type, "application/wasm");
    EXPECT_TRUE(read_static_file(root_.string(), "/app/%6dain.mjs"));
    EXPECT_FALSE(read_static_file(root_.string(), "/missing.html"));
    EXPECT_FALSE(read_static_file("", "/index.html"));
}

TEST_F(StaticFilesTest, RefusesEscapes) {
    for (const char* path : {"/../datt-secret.txt", "/app/../../datt-secret.txt",
                             "/%2e%2e/datt-secret.txt", "/%2E%2E%2Fdatt-secret.txt",
                             "/app/..%2f..%2fdatt-secret.txt", "/./index.html", "/%00",
                             "/..\\datt-secret.txt", "/%zz", "index.html", "", "//etc/passwd",
                             "/%2fetc%2fpasswd", "//tmp", "/app//main.mjs"}) {
        EXPECT_FALSE(read_static_file(root_.string(), path)) << path;
    }
}

TEST_F(StaticFilesTest, FoldersServeTheirIndex) {
    fs::create_directories(root_ / "docs" / "empty");
    std::ofstream(root_ / "docs" / "index.html") << "docs";
    const StaticFiles files = StaticFiles::load(root_.string());
    ASSERT_TRUE(files.find("/docs"));
    EXPECT_EQ(files.find("/docs")->body, "docs");
    EXPECT_EQ(files.find("/docs/")->body, "docs");
    EXPECT_EQ(files.find("/docs/index.html")->body, "docs");
    EXPECT_FALSE(files.find("/docs/empty/"));        // a folder without index.html
    EXPECT_FALSE(files.find("/index.html/"));        // a file asked for as a folder
    EXPECT_FALSE(files.find("/app"));                // app/ has no index.html
}

TEST_F(StaticFilesTest, HeldInMemoryFromLoad) {
    const StaticFiles files = StaticFiles::load(root_.string());
    EXPECT_EQ(files.files(), 3u);
    EXPECT_EQ(files.bytes(), fs::file_size(root_ / "index.html") +
                                 fs::file_size(root_ / "app" / "main.mjs") +
                                 fs::file_size(root_ / "core.wasm"));
    // Changes on disk after loading are not seen: nothing is read per request.
    std::ofstream(root_ / "index.html") << " changed";
    std::ofstream(root_ / "new.html") << "new";
    fs::remove(root_ / "core.wasm");
    EXPECT_EQ(files.find("/")->body, "<h1>home</h1>");
    EXPECT_FALSE(files.find("/new.html"));
    EXPECT_TRUE(files.find("/core.wasm"));
}

TEST_F(StaticFilesTest, TheSizeCapLeavesFilesOut) {
    // 13 + 9 + 0 bytes in all: a cap of 12 keeps what fits, in whatever order the
    // folder lists them, and says how many were left out.
    const StaticFiles files = StaticFiles::load(root_.string(), 12);
    EXPECT_LE(files.bytes(), 12u);
    EXPECT_EQ(files.files() + files.left_out(), 3u);
    EXPECT_GE(files.left_out(), 1u);
    EXPECT_FALSE(files.find("/"));  // index.html (13 bytes) alone is over the cap
}

TEST_F(StaticFilesTest, SymlinksOnlyToFilesInside) {
    fs::create_symlink(root_ / "index.html", root_ / "home.html");
    fs::create_symlink(root_.parent_path() / "datt-secret.txt", root_ / "secret.txt");
    fs::create_directory_symlink(root_.parent_path(), root_ / "up");
    const StaticFiles files = StaticFiles::load(root_.string());
    ASSERT_TRUE(files.find("/home.html"));
    EXPECT_EQ(files.find("/home.html")->body, "<h1>home</h1>");
    EXPECT_FALSE(files.find("/secret.txt"));
    EXPECT_FALSE(files.find("/up/datt-secret.txt"));
}

}  // namespace
}  // namespace datt::relay
