// The compiled part the fuzz targets need: the codec, decimals, the item key, timestamps, the
// bulk readers, the envelope and redaction (no HTTPS engine, no Asio), so that
// each target's TU instantiates only its own templates.
#include <cs2market/impl/error.ipp>
#include <cs2market/impl/decimal.ipp>
#include <cs2market/impl/item_key.ipp>
#include <cs2market/impl/time.ipp>
#include <cs2market/impl/json_tape.ipp>
#include <cs2market/impl/json.ipp>
#include <cs2market/net/impl/bulk.ipp>
#include <cs2market/net/impl/replay_guard.ipp>
#include <cs2market/impl/redact.ipp>
#include <cs2market/impl/envelope.ipp>
