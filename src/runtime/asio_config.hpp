// Asio configuration, included before any Asio header by every runtime header that uses Asio.
// src/CMakeLists.txt defines these macros for convoy_runtime's own files only; a test or the
// agent including a runtime header would otherwise see Asio configured differently from the
// library it links (deprecated members present in one and absent in the other), which is an
// ODR violation even when it happens to work. Include the runtime header before <asio.hpp>.
#pragma once

#ifndef ASIO_STANDALONE
#define ASIO_STANDALONE 1
#endif
#ifndef ASIO_NO_DEPRECATED
#define ASIO_NO_DEPRECATED 1
#endif
