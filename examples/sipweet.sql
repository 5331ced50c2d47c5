CREATE TABLE `sipweetusers` (  
  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,  
  `twuser` varchar(64) NOT NULL,  
  `sipuser` varchar(64) NOT NULL,  
  PRIMARY KEY (`id`),  
  UNIQUE KEY (`twuser`),  
  UNIQUE KEY (`sipuser`)  
);
