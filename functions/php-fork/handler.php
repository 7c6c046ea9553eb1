<?php
// An OpenFaaS classic-watchdog style function in PHP: started once per request
// (`php handler.php`), the request body on stdin, the response on stdout,
// request details in Http_* variables. Every invocation is a new process, so
// every one is a cold start.
$raw = stream_get_contents(STDIN);
$event = $raw === '' ? [] : (json_decode($raw, true) ?? ['text' => $raw]);
$name = is_array($event) && isset($event['name']) ? (string) $event['name'] : 'world';
echo json_encode([
    'message' => "hello, $name",
    'runtime' => 'php ' . PHP_VERSION,
    'pid' => getmypid(),
    'method' => getenv('Http_Method') ?: null,
    'bytes' => strlen($raw),
]);
