// Asio configuration, included before any Asio header by every runtime header that uses Asio.
// src/CMakeLists.txt defines these macros for convoy_runtime's own files only; a test or the
// agent including a runtime header would otherwise see Asio configured differently from the
// library it links (deprecated members present in one and absent in the other), which is an
// ODR violation even when it happens to work. Include the runtime header before <asio.hpp>.
#pragma once

// Asio decides some of its configuration from the standard library's macros: whether it
// allocates with aligned_alloc/free or with operator new/delete hangs on
// _GLIBCXX_HAVE_ALIGNED_ALLOC, which only a standard header defines. A file that included Asio
// before any standard header (event_loop.cpp did) compiled the other choice than the rest: an
// ODR violation that AddressSanitizer reported as alloc-dealloc-mismatch when a handler posted
// from one file was freed by the loop of the other. Any standard header here settles it.
#include <cstddef>

#ifndef ASIO_STANDALONE
#define ASIO_STANDALONE 1
#endif
#ifndef ASIO_NO_DEPRECATED
#define ASIO_NO_DEPRECATED 1
#endif

// Under ThreadSanitizer only: Asio brackets handler calls with std::atomic_thread_fence, which
// TSan does not model (GCC 12 says so with -Wtsan, an error under -Werror). Dropping the fences
// changes nothing TSan observes: the ordering it checks comes from the scheduler's mutex, which
// it does model. (On x86 those acquire/release fences compile to no instruction anyway.)
#if defined(__SANITIZE_THREAD__)
#define CONVOY_ASIO_UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CONVOY_ASIO_UNDER_TSAN 1
#endif
#endif
#if defined(CONVOY_ASIO_UNDER_TSAN) && !defined(ASIO_DISABLE_FENCED_BLOCK)
#define ASIO_DISABLE_FENCED_BLOCK 1
#endif
