// The standard process_* metrics of a Linux process, read from /proc at scrape time.
#pragma once

#include "parley/http/metrics.hpp"

namespace parley::http {

// process_resident_memory_bytes, process_virtual_memory_bytes, process_open_fds,
// process_cpu_seconds_total and process_start_time_seconds. A value /proc cannot give is left out.
[[nodiscard]] Collector process_collector();

}  // namespace parley::http
