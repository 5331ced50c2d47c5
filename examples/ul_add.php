/* construct and send a FIFO command; the command parameters $sip_address,
$expires are PHP variables originating from an HTML form
*/
$fifo_cmd=":ul_add:".$config->reply_fifo_filename."\n".
$config->ul_table."\n". //table
$user_id."\n". //username
$sip_address."\n". //contact
$expires."\n". //expires
$config->ul_priority."\n\n"; //priority
$message=write2fifo($fifo_cmd, $errors, $status);
/* .......... snip .................. */
/* this is the stub function for communicating with FIFO server.
it dumps a request to FIFO server, opens a reply FIFO and
reads server's reply from it
*/
function write2fifo($fifo_cmd, &$errors, &$status){
global $config;
/* open fifo now */
$fifo_handle=fopen( $config->fifo_server, "w" );
if (!$fifo_handle) {
$errors[]="sorry -- cannot open fifo"; return;
}
/* create fifo for replies */
@system("mkfifo -m 666 ".$config->reply_fifo_path );
/* add command separator */
$fifo_cmd=$fifo_cmd."\n";
/* write fifo command */
if (fwrite( $fifo_handle, $fifo_cmd)==-1) {
@unlink($config->reply_fifo_path);
@fclose($fifo_handle);
$errors[]="sorry -- fifo writing error"; return;
}
@fclose($fifo_handle);
/* read output now */
@$fp = fopen( $config->reply_fifo_path, "r");
if (!$fp) {
@unlink($config->reply_fifo_path);
$errors[]="sorry -- fifo reading error"; return;
}
$status=fgetS($fp,256);
if (!$status) {
@unlink($config->reply_fifo_path);
$errors[]="sorry -- fifo reading error"; return;
}
$rd=fread($fp,8192);
@unlink($config->reply_fifo_path);
return $rd;
}
