#pragma once
// The one-time setup code of a coordinator that has no administrator yet: whoever can read the
// coordinator's start-up lines may create the first administrator from another computer; a client
// on the coordinator's own machine (loopback) needs no code. Kept only in memory.

#include <QString>

namespace sb {

// Characters of a setup code, not counting the dashes: 16 of Crockford's base32 alphabet
// (0-9, A-Z without I, L, O, U), 80 random bits.
constexpr int kSetupCodeChars = 16;

// A new code from the operating system's CSPRNG (libsodium), in groups of four for a person to
// read and type: "K7Q2-M9XD-4TFA-PW3H".
QString newSetupCode();

// Whether `typed` is `expected`, as a person may type it: any case, with or without dashes and
// spaces, O for 0 and I or L for 1. The characters are compared in constant time. An empty
// `expected` matches nothing.
bool setupCodeMatches(const QString &expected, const QString &typed);

// Whether a peer address (ClientLink::peerAddress(): "127.0.0.1", "::1", "::ffff:127.0.0.1"...)
// is this machine's loopback. Anything unreadable, the empty string included, is not.
bool isLoopbackPeer(const QString &address);

} // namespace sb
