#include "encoding/nip19.h"

#include <algorithm>

#include "crypto/wipe.h"
#include "encoding/bech32.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"
#include "util/utf8.h"

namespace datt::encoding {
namespace {

// TLV types (NIP-19).
constexpr uint8_t kTlvSpecial = 0;
constexpr uint8_t kTlvRelay = 1;
constexpr uint8_t kTlvAuthor = 2;
constexpr uint8_t kTlvKind = 3;
constexpr size_t kTlvMaxValue = 255;  // L is one byte

void wipe(Bytes& bytes) {
    crypto::secure_wipe(bytes.data(), bytes.size());
}

// 8-bit bytes -> bech32 string; the 5-bit copy is wiped since it may hold a secret.
Result<std::string> encode_bytes(std::string_view hrp, ByteSpan bytes) {
    auto groups = convert_bits(bytes, 8, 5, true);
    if (!groups) return groups.error();  // cannot happen: bytes are 8 bits wide
    auto text = bech32_encode(Bech32Variant::kBech32, hrp, *groups, kNip19MaxLength);
    wipe(*groups);
    if (!text) {
        return make_error("nip19_too_long", "the encoding would exceed " +
                                                std::to_string(kNip19MaxLength) + " characters");
    }
    return text;
}

std::string encode_bare(std::string_view hrp, ByteSpan32 bytes) {
    // 32 bytes under a 4-letter hrp is 63 characters: encoding cannot fail.
    return std::move(encode_bytes(hrp, bytes).value());
}

class TlvWriter {
  public:
    void add(uint8_t type, ByteSpan value) {
        out_.write_u8(type).write_u8(static_cast<uint8_t>(value.size())).write_bytes(value);
    }
    void add_kind(uint32_t kind) {
        out_.write_u8(kTlvKind).write_u8(4).write_u32_be(kind);
    }
    // Relays and identifiers are variable length; L caps them at 255 bytes.
    Status add_text(uint8_t type, std::string_view text, const char* what) {
        if (text.size() > kTlvMaxValue) {
            return make_error("nip19_field_too_long",
                              std::string(what) + " is longer than 255 bytes");
        }
        add(type, as_bytes(text));
        return Ok{};
    }
    Status add_relays(const std::vector<std::string>& relays) {
        for (const std::string& relay : relays) {
            if (auto added = add_text(kTlvRelay, relay, "a relay"); !added) return added;
        }
        return Ok{};
    }
    const Bytes& bytes() const { return out_.bytes(); }

  private:
    ByteWriter out_;
};

Result<std::string> encode_tlv(const Nprofile& profile) {
    TlvWriter tlv;
    tlv.add(kTlvSpecial, profile.pubkey);
    if (auto added = tlv.add_relays(profile.relays); !added) return added.error();
    return encode_bytes("nprofile", tlv.bytes());
}

Result<std::string> encode_tlv(const Nevent& event) {
    TlvWriter tlv;
    tlv.add(kTlvSpecial, event.id);
    if (auto added = tlv.add_relays(event.relays); !added) return added.error();
    if (event.author) tlv.add(kTlvAuthor, *event.author);
    if (event.kind) tlv.add_kind(*event.kind);
    return encode_bytes("nevent", tlv.bytes());
}

Result<std::string> encode_tlv(const Naddr& address) {
    TlvWriter tlv;
    if (auto added = tlv.add_text(kTlvSpecial, address.identifier, "the identifier"); !added) {
        return added.error();
    }
    if (auto added = tlv.add_relays(address.relays); !added) return added.error();
    tlv.add(kTlvAuthor, address.pubkey);
    tlv.add_kind(address.kind);
    return encode_bytes("naddr", tlv.bytes());
}

// The TLV entries of one string, keeping only the types NIP-19 defines.
struct TlvFields {
    std::optional<ByteSpan> special;
    std::vector<ByteSpan> relays;
    std::optional<ByteSpan> author;
    std::optional<ByteSpan> kind;
};

Result<TlvFields> parse_tlv(ByteSpan data) {
    TlvFields fields;
    ByteReader reader(data);
    while (!reader.at_end()) {
        auto type = reader.read_u8();
        auto length = reader.read_u8();
        if (!type || !length) {
            return make_error("nip19_bad_tlv", "a TLV entry is cut off after its type");
        }
        auto value = reader.read_span(*length);
        if (!value) {
            return make_error("nip19_bad_tlv", "a TLV value runs past the end of the data");
        }
        switch (*type) {
            case kTlvSpecial:
                if (!fields.special) fields.special = *value;
                break;
            case kTlvRelay:
                fields.relays.push_back(*value);
                break;
            case kTlvAuthor:
                if (!fields.author) fields.author = *value;
                break;
            case kTlvKind:
                if (!fields.kind) fields.kind = *value;
                break;
            default:
                break;  // unknown types are ignored (NIP-19)
        }
    }
    return fields;
}

Result<ByteArray<32>> fixed32(ByteSpan value, const char* what) {
    if (value.size() != 32) {
        return make_error("nip19_bad_length", std::string(what) + " must be 32 bytes, got " +
                                                  std::to_string(value.size()));
    }
    ByteArray<32> out;
    std::copy(value.begin(), value.end(), out.begin());
    return out;
}

Result<uint32_t> kind_of(ByteSpan value) {
    ByteReader reader(value);
    auto kind = reader.read_u32_be();
    if (!kind || !reader.at_end()) {
        return make_error("nip19_bad_length",
                          "the kind must be 4 bytes, got " + std::to_string(value.size()));
    }
    return *kind;
}

Result<std::string> text_of(ByteSpan value, const char* what) {
    std::string text(value.begin(), value.end());
    if (!is_valid_utf8(text)) {
        return make_error("nip19_bad_tlv", std::string(what) + " is not valid UTF-8");
    }
    return text;
}

Result<std::vector<std::string>> relays_of(const TlvFields& fields) {
    std::vector<std::string> relays;
    for (ByteSpan value : fields.relays) {
        auto relay = text_of(value, "a relay");
        if (!relay) return relay.error();
        relays.push_back(std::move(*relay));
    }
    return relays;
}

Error missing(const char* what) {
    return make_error("nip19_missing_field", std::string(what) + " is missing");
}

Result<Nip19Entity> decode_nprofile(const TlvFields& fields) {
    if (!fields.special) return missing("the pubkey (TLV 0)");
    auto pubkey = fixed32(*fields.special, "the pubkey");
    if (!pubkey) return pubkey.error();
    auto relays = relays_of(fields);
    if (!relays) return relays.error();
    return Nip19Entity(Nprofile{*pubkey, std::move(*relays)});
}

Result<Nip19Entity> decode_nevent(const TlvFields& fields) {
    if (!fields.special) return missing("the event id (TLV 0)");
    Nevent event;
    auto id = fixed32(*fields.special, "the event id");
    if (!id) return id.error();
    event.id = *id;
    auto relays = relays_of(fields);
    if (!relays) return relays.error();
    event.relays = std::move(*relays);
    if (fields.author) {
        auto author = fixed32(*fields.author, "the author");
        if (!author) return author.error();
        event.author = *author;
    }
    if (fields.kind) {
        auto kind = kind_of(*fields.kind);
        if (!kind) return kind.error();
        event.kind = *kind;
    }
    return Nip19Entity(std::move(event));
}

Result<Nip19Entity> decode_naddr(const TlvFields& fields) {
    if (!fields.special) return missing("the identifier (TLV 0)");
    if (!fields.author) return missing("the author (TLV 2)");
    if (!fields.kind) return missing("the kind (TLV 3)");
    Naddr address;
    auto identifier = text_of(*fields.special, "the identifier");
    if (!identifier) return identifier.error();
    address.identifier = std::move(*identifier);
    auto pubkey = fixed32(*fields.author, "the author");
    if (!pubkey) return pubkey.error();
    address.pubkey = *pubkey;
    auto kind = kind_of(*fields.kind);
    if (!kind) return kind.error();
    address.kind = *kind;
    auto relays = relays_of(fields);
    if (!relays) return relays.error();
    address.relays = std::move(*relays);
    return Nip19Entity(std::move(address));
}

Result<Nip19Entity> decode_payload(std::string_view hrp, ByteSpan payload) {
    if (hrp == "npub" || hrp == "nsec" || hrp == "note") {
        auto bytes = fixed32(payload, "the payload");
        if (!bytes) return bytes.error();
        crypto::WipeOnExit wipe_bytes(bytes->data(), bytes->size());
        if (hrp == "npub") return Nip19Entity(Npub{*bytes});
        if (hrp == "note") return Nip19Entity(Note{*bytes});
        return Nip19Entity(Nsec(*bytes));
    }
    if (hrp != "nprofile" && hrp != "nevent" && hrp != "naddr") {
        return make_error("nip19_unknown_prefix",
                          "unknown NIP-19 prefix '" + std::string(hrp) + "'");
    }
    auto fields = parse_tlv(payload);
    if (!fields) return fields.error();
    if (hrp == "nprofile") return decode_nprofile(*fields);
    if (hrp == "nevent") return decode_nevent(*fields);
    return decode_naddr(*fields);
}

}  // namespace

Nsec::~Nsec() {
    crypto::secure_wipe(secret.data(), secret.size());
}

std::string_view nip19_prefix(const Nip19Entity& entity) {
    static constexpr std::string_view kPrefixes[] = {"npub",     "nsec",   "note",
                                                     "nprofile", "nevent", "naddr"};
    static_assert(std::size(kPrefixes) == std::variant_size_v<Nip19Entity>);
    return kPrefixes[entity.index()];
}

std::string encode_npub(ByteSpan32 pubkey) {
    return encode_bare("npub", pubkey);
}
std::string encode_nsec(ByteSpan32 secret) {
    return encode_bare("nsec", secret);
}
std::string encode_note(ByteSpan32 id) {
    return encode_bare("note", id);
}

Result<std::string> encode_nip19(const Nip19Entity& entity) {
    struct Encoder {
        Result<std::string> operator()(const Npub& v) const { return encode_npub(v.pubkey); }
        Result<std::string> operator()(const Nsec& v) const { return encode_nsec(v.secret); }
        Result<std::string> operator()(const Note& v) const { return encode_note(v.id); }
        Result<std::string> operator()(const Nprofile& v) const { return encode_tlv(v); }
        Result<std::string> operator()(const Nevent& v) const { return encode_tlv(v); }
        Result<std::string> operator()(const Naddr& v) const { return encode_tlv(v); }
    };
    return std::visit(Encoder{}, entity);
}

Result<Nip19Entity> decode_nip19(std::string_view text) {
    auto decoded = bech32_decode(text, kNip19MaxLength);
    if (!decoded) {
        return make_error("nip19_bad_bech32",
                          decoded.error().code + ": " + decoded.error().message);
    }
    crypto::WipeOnExit wipe_groups(decoded->data.data(), decoded->data.size());
    if (decoded->variant != Bech32Variant::kBech32) {
        return make_error("nip19_bech32m", "NIP-19 strings use bech32, not bech32m");
    }
    auto payload = convert_bits(decoded->data, 5, 8, false);
    if (!payload) {
        return make_error("nip19_bad_bech32",
                          payload.error().code + ": " + payload.error().message);
    }
    crypto::WipeOnExit wipe_payload(payload->data(), payload->size());
    return decode_payload(decoded->hrp, *payload);
}

}  // namespace datt::encoding
